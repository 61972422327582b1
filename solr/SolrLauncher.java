// Starts Apache Solr 9 (from Maven Central's solr-test-framework jars) on 127.0.0.1
// without a Solr distribution: no Debian or PyPI package ships a Solr server.
// Usage: java -cp <classpath> SolrLauncher.java <solr home> <port>
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class SolrLauncher {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("solr: no solr.xml in " + home);
      System.exit(2);
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (java.io.IOException e) {
      System.err.println("solr: port " + port + " on 127.0.0.1 is already in use");
      System.exit(3);
    }
    JettyConfig config = JettyConfig.builder()
        .setPort(port)
        .setContext("/solr")
        .stopAtShutdown(true)
        .useOnlyHttp1(true)
        .build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), config);
    runner.start();
    System.out.println("solr: " + org.apache.solr.client.api.util.SolrVersion.LATEST_STRING + " listening on "
        + runner.getBaseUrl());
    Thread.currentThread().join();
  }
}
