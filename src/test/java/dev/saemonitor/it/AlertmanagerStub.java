package dev.saemonitor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Alertmanager's v2 alerts endpoint on loopback, keeping every alert pushed to it (one entry per alert). */
final class AlertmanagerStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();

    AlertmanagerStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v2/alerts", ex -> {
            try (ex) {
                JSON.readTree(ex.getRequestBody()).forEach(alerts::add);
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<JsonNode> alerts() {
        return new ArrayList<>(alerts);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
