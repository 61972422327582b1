#!/bin/sh
# First start of the database container: the DataStore database, owned by the
# portal's role (it writes the tables), and the read-only role that reads them.
# The ckan container's prerun then applies `ckan datastore set-permissions`.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE "$CKAN_DATASTORE_READONLY_USER" LOGIN PASSWORD '$CKAN_DATASTORE_READONLY_PASSWORD';
CREATE DATABASE "$CKAN_DATASTORE_DB" OWNER "$CKAN_DB_USER" ENCODING 'utf-8';
SQL
