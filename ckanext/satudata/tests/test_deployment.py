"""The production compose file and the run command, checked without a Docker engine."""
import os
import re
import socket
import subprocess

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


@pytest.fixture(scope="module")
def compose():
    with open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def _documented_variables():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    block = readme.split("<!-- compose-variables")[1].split("<!-- /compose-variables -->")[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", block))


def test_compose_has_the_portal_services_on_official_images(compose):
    services = compose["services"]
    assert set(services) == {"ckan", "worker", "db", "solr", "redis",
                             "harvest-gather", "harvest-fetch", "harvest-run"}
    assert services["solr"]["image"].startswith("ckan/ckan-solr:2.12-solr9")
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:")
    assert services["ckan"]["build"]["dockerfile"] == "docker/Dockerfile"
    with open(os.path.join(ROOT, "docker", "Dockerfile"), encoding="utf-8") as f:
        assert re.search(r"^FROM ckan/ckan-base:2\.12", f.read(), re.M)
    assert services["worker"]["command"][-2:] == ["jobs", "worker"]
    assert services["worker"]["image"] == services["ckan"]["image"]


def test_harvesting_consumes_both_queues_as_the_harvest_user(compose):
    services = compose["services"]
    assert services["harvest-gather"]["command"][-3:] == ["satudata", "harvest-consumer", "gather"]
    assert services["harvest-fetch"]["command"][-3:] == ["satudata", "harvest-consumer", "fetch"]
    assert "harvester run" in services["harvest-run"]["command"][-1]
    for name in ("harvest-gather", "harvest-fetch", "harvest-run"):
        assert services[name]["image"] == services["ckan"]["image"]
    env = services["ckan"]["environment"]
    assert env["CKANEXT__DCAT__RDF__PROFILES"] == "euro_dcat_ap_3 satudata"
    assert env["CKAN__HARVEST__MQ__TYPE"] == "redis"


def test_every_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_data_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"pg_data", "solr_data", "ckan_storage"}
    mounts = {name: [v.split(":")[0] for v in s.get("volumes", [])]
              for name, s in compose["services"].items()}
    assert "pg_data" in mounts["db"]
    assert "solr_data" in mounts["solr"]
    assert "ckan_storage" in mounts["ckan"] and "ckan_storage" in mounts["worker"]


def test_ckan_is_configured_by_environment_with_the_portal_plugins(compose):
    env = compose["services"]["ckan"]["environment"]
    plugins = env["CKAN__PLUGINS"].split()
    assert plugins[0] == "envvars"
    assert plugins.index("satudata") < plugins.index("scheming_datasets")
    assert env["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
    assert env["CKAN__LOCALE_DEFAULT"] == "id"
    with open(os.path.join(ROOT, "config", "satudata.ini"), encoding="utf-8") as f:
        ini_plugins = re.search(r"^ckan.plugins = (.*)$", f.read(), re.M).group(1).split()
    assert plugins[1:] == ini_plugins, "production and the run command must load the same plugins"


def test_every_variable_the_readme_documents_is_used_by_compose(compose):
    with open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8") as f:
        text = f.read()
    documented = _documented_variables()
    assert len(documented) >= 15
    missing = sorted(v for v in documented if v not in text)
    assert not missing, f"documented in README but not in docker-compose.yml: {missing}"
    with open(os.path.join(ROOT, ".env.example"), encoding="utf-8") as f:
        example = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", f.read(), re.M))
    assert documented <= example, f"missing from .env.example: {sorted(documented - example)}"


def test_run_command_stops_with_one_line_when_the_port_is_taken(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        env = dict(os.environ, SATUDATA_PORT=str(port), SATUDATA_DATA=str(tmp_path))
        proc = subprocess.run(["bash", os.path.join(ROOT, "scripts", "run.sh")], env=env,
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert f"port {port} is already in use" in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
