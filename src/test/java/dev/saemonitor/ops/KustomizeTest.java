package dev.saemonitor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** k8s/: both overlays render with `kubectl kustomize` and hold what production needs. */
class KustomizeTest {
    static final String NAME = "sae-safety-monitor";
    static final int LLM_EVENTS_PARTITIONS = 12;

    static List<JsonNode> render(String dir) {
        Path kubectl = OpsTools.requireTool("kubectl");
        OpsTools.Result r = OpsTools.run(Duration.ofMinutes(2), List.of(kubectl.toString(), "kustomize", dir));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return OpsTools.readYamlDocuments(r.output());
    }

    static JsonNode one(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("exactly one " + kind).hasSize(1);
        return found.get(0);
    }

    @ParameterizedTest(name = "overlays/{0}")
    @ValueSource(strings = {"cpu", "gpu"})
    void overlayRendersAProductionDeployment(String variant) {
        List<JsonNode> docs = render("k8s/overlays/" + variant);
        assertThat(docs).allSatisfy(d -> assertThat(d.path("metadata").path("namespace").asText())
                .as("%s %s namespace", d.path("kind").asText(), d.path("metadata").path("name").asText()).isEqualTo(NAME));

        JsonNode deployment = one(docs, "Deployment");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode podSpec = pod.path("spec");
        JsonNode c = podSpec.path("containers").get(0);
        SoftAssertions soft = new SoftAssertions();

        // ports and probes on the management interface
        soft.assertThat(containerPort(c, "http")).isEqualTo(8080);
        soft.assertThat(containerPort(c, "management")).isEqualTo(9000);
        soft.assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        soft.assertThat(probePort(c, "livenessProbe")).isEqualTo(9000);
        soft.assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        soft.assertThat(probePort(c, "readinessProbe")).isEqualTo(9000);
        if (c.has("startupProbe")) {
            soft.assertThat(probePort(c, "startupProbe")).isEqualTo(9000);
        }

        // non-root, locked down
        JsonNode psc = podSpec.path("securityContext");
        soft.assertThat(psc.path("runAsNonRoot").asBoolean()).as("runAsNonRoot").isTrue();
        soft.assertThat(psc.path("runAsUser").asInt()).as("runAsUser").isEqualTo(185);
        JsonNode csc = c.path("securityContext");
        soft.assertThat(csc.path("allowPrivilegeEscalation").asBoolean(true)).as("allowPrivilegeEscalation").isFalse();
        soft.assertThat(csc.path("readOnlyRootFilesystem").asBoolean()).as("readOnlyRootFilesystem").isTrue();
        soft.assertThat(csc.path("capabilities").path("drop").toString()).contains("ALL");

        // resources
        soft.assertThat(c.path("resources").path("requests").path("cpu").asText()).isNotBlank();
        soft.assertThat(c.path("resources").path("requests").path("memory").asText()).isNotBlank();
        soft.assertThat(c.path("resources").path("limits").path("memory").asText()).isNotBlank();

        // env from the generated ConfigMap, Kafka credentials from an optional Secret
        JsonNode configMap = one(docs, "ConfigMap");
        soft.assertThat(c.path("envFrom").get(0).path("configMapRef").path("name").asText())
                .isEqualTo(configMap.path("metadata").path("name").asText());
        soft.assertThat(configMap.path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isNotBlank();
        soft.assertThat(configMap.path("data").path("MONITOR_PACK_PATH").asText()).isEqualTo("/deployments/model-packs/default");
        List<JsonNode> secretRefs = new ArrayList<>();
        c.path("env").forEach(e -> {
            if (e.path("valueFrom").has("secretKeyRef")) {
                secretRefs.add(e.path("valueFrom").path("secretKeyRef"));
            }
        });
        soft.assertThat(secretRefs).as("env from secretKeyRef").isNotEmpty();
        soft.assertThat(secretRefs).allSatisfy(ref -> assertThat(ref.path("optional").asBoolean()).isTrue());
        soft.assertThat(c.path("env").toString()).contains("KAFKA_SASL_JAAS_CONFIG");
        boolean secretVolume = false;
        for (JsonNode v : podSpec.path("volumes")) {
            secretVolume |= v.has("secret") && v.path("secret").path("optional").asBoolean();
        }
        soft.assertThat(secretVolume).as("optional Secret volume (Kafka TLS truststore)").isTrue();

        // GPU only in the gpu overlay
        JsonNode limits = c.path("resources").path("limits");
        if (variant.equals("gpu")) {
            soft.assertThat(limits.path("nvidia.com/gpu").asText()).isEqualTo("1");
            soft.assertThat(podSpec.path("nodeSelector").fieldNames()).toIterable()
                    .anySatisfy(k -> assertThat(k).startsWith("nvidia.com/gpu"));
            soft.assertThat(podSpec.path("tolerations").toString()).contains("nvidia.com/gpu");
            soft.assertThat(configMap.path("data").path("MONITOR_ONNX_PROVIDER").asText()).isEqualTo("cuda");
            soft.assertThat(c.path("image").asText()).endsWith("-gpu");
        } else {
            soft.assertThat(deployment.toString()).doesNotContain("nvidia.com/gpu");
            soft.assertThat(configMap.path("data").path("MONITOR_ONNX_PROVIDER").asText()).isEqualTo("cpu");
            soft.assertThat(c.path("image").asText()).doesNotEndWith("-gpu");
        }

        // no replicas: KEDA owns them
        soft.assertThat(deployment.path("spec").has("replicas")).as("Deployment.spec.replicas (KEDA owns it)").isFalse();

        // Service, ServiceMonitor and PDB select the pods
        JsonNode podLabels = pod.path("metadata").path("labels");
        JsonNode service = one(docs, "Service");
        soft.assertThat(service.path("spec").path("ports").toString()).contains("\"management\"", "9000", "8080");
        assertSelects(soft, "Service", service.path("spec").path("selector"), podLabels);
        JsonNode sm = one(docs, "ServiceMonitor");
        soft.assertThat(sm.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        soft.assertThat(sm.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("management");
        soft.assertThat(sm.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/q/metrics");
        assertSelects(soft, "ServiceMonitor", sm.path("spec").path("selector").path("matchLabels"),
                service.path("metadata").path("labels"));
        JsonNode pdb = one(docs, "PodDisruptionBudget");
        assertSelects(soft, "PodDisruptionBudget", pdb.path("spec").path("selector").path("matchLabels"), podLabels);
        assertSelects(soft, "Deployment", deployment.path("spec").path("selector").path("matchLabels"), podLabels);

        // KEDA: consumer lag of the group on llm.events, at most one replica per partition
        JsonNode so = one(docs, "ScaledObject");
        soft.assertThat(so.path("apiVersion").asText()).isEqualTo("keda.sh/v1alpha1");
        soft.assertThat(so.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        soft.assertThat(so.path("spec").path("maxReplicaCount").asInt()).isEqualTo(LLM_EVENTS_PARTITIONS);
        soft.assertThat(so.path("spec").path("minReplicaCount").asInt()).isBetween(1, LLM_EVENTS_PARTITIONS);
        JsonNode trigger = so.path("spec").path("triggers").get(0);
        soft.assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        soft.assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo("sae-safety-monitor");
        soft.assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo("llm.events");
        soft.assertThat(trigger.path("metadata").path("lagThreshold").asText()).isNotBlank();

        // PrometheusRule = alerts/sae-monitor.rules.yaml
        JsonNode rule = one(docs, "PrometheusRule");
        soft.assertThat(rule.path("spec").path("groups"))
                .as("PrometheusRule groups equal " + AlertRulesTest.RULES + " (see k8s/README.md to regenerate)")
                .isEqualTo(OpsTools.readYaml(OpsTools.repo(AlertRulesTest.RULES)).path("groups"));
        soft.assertAll();
    }

    /** The optional SASL_SSL component: TriggerAuthentication for KEDA and the client settings. */
    @Test
    void kafkaAuthComponentRenders() throws IOException {
        OpsTools.requireTool("kubectl");
        Path dir = OpsTools.repo("target/ops-kustomize/kafka-auth");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../../k8s/overlays/cpu
                components:
                  - ../../../k8s/components/kafka-auth
                """);
        List<JsonNode> docs = render(OpsTools.relative(dir));
        JsonNode auth = one(docs, "TriggerAuthentication");
        assertThat(auth.path("spec").path("secretTargetRef").toString()).contains("username", "password", "sasl");
        JsonNode so = one(docs, "ScaledObject");
        assertThat(so.path("spec").path("triggers").get(0).path("authenticationRef").path("name").asText())
                .isEqualTo(auth.path("metadata").path("name").asText());
        JsonNode data = one(docs, "ConfigMap").path("data");
        assertThat(data.path("KAFKA_SECURITY_PROTOCOL").asText()).isEqualTo("SASL_SSL");
        assertThat(data.path("KAFKA_SSL_TRUSTSTORE_LOCATION").asText()).startsWith("/etc/kafka/tls/");
        assertThat(data.path("MONITOR_ONNX_PROVIDER").asText()).isEqualTo("cpu");
    }

    private static int containerPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }

    private static int probePort(JsonNode container, String probe) {
        JsonNode port = container.path(probe).path("httpGet").path("port");
        return port.isInt() ? port.asInt() : containerPort(container, port.asText());
    }

    private static void assertSelects(SoftAssertions soft, String what, JsonNode selector, JsonNode labels) {
        soft.assertThat(selector.size()).as("%s selector is not empty", what).isPositive();
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            soft.assertThat(labels.path(e.getKey()).asText()).as("%s selector %s", what, e.getKey()).isEqualTo(e.getValue().asText());
        }
    }
}
