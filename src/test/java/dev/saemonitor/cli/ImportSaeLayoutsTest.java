package dev.saemonitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.saemonitor.activations.Npy;
import dev.saemonitor.modelpack.SaeArchitecture;
import dev.saemonitor.modelpack.SaeWeights;
import dev.saemonitor.sae.SaeEncoder;
import dev.saemonitor.sae.SparseCodes;
import dev.saemonitor.testing.PublishedSaes;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code import-sae} on synthetic public SAEs written in their published layouts ({@link PublishedSaes}): the
 * pack's encoder (ONNX Runtime, as the service runs it; for relu / jumprelu also the monitored-features slice)
 * against the layout's ORIGINAL formula computed in NumPy ({@code scripts/public_sae_reference.py}), 1e-4 relative.
 */
class ImportSaeLayoutsTest {
    private static final int D_IN = 24, D_SAE = 96, ROWS = 32;
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gemmascope1", "gemmascope2", "sparsify", "llamascope", "saelens"})
    void importedSaeEncodesAsThePublishedFormula(String layout) throws Exception {
        PublishedSaes saes = new PublishedSaes(D_IN, D_SAE, layout.hashCode());
        Path src = tmp.resolve("src");
        Path from = src;
        double norm = 2.0;
        switch (layout) {
            case "gemmascope1" -> {
                saes.gemmaScope1(src);
                from = src.resolve("params.npz");
            }
            case "gemmascope2" -> {
                saes.gemmaScope2(src);
                from = src.resolve("params.safetensors");
            }
            case "sparsify" -> saes.sparsify(src, 6);
            case "llamascope" -> {
                saes.llamaScope(src, 0.3);
                norm = PublishedSaes.LLAMA_NORM_IN;
            }
            default -> {
                saes.saeLens(src, "expected_average_only_in", 0.37);
                norm = 1 / 0.37;
            }
        }
        float[] x = saes.activations(ROWS, norm);
        Npy.write(tmp.resolve("x.npy"), new Npy.Matrix(ROWS, D_IN, x));
        Npy.Matrix want = numpy(layout, src);

        CliRun r = CliRun.of("import-sae", "--from", from.toString(), "-o", tmp.resolve("sae").toString());
        assertThat(r.code()).as(r.err()).isZero();
        SaeWeights w = SaeWeights.load(tmp.resolve("sae"));
        assertThat(w.config().dIn()).isEqualTo(D_IN);
        assertThat(w.config().dSae()).isEqualTo(D_SAE);
        try (SaeEncoder enc = new SaeEncoder(OrtEnvironment.getEnvironment(), new OrtSession.SessionOptions(), w)) {
            assertMatches(enc.encode(x, ROWS), want, null);
        }
        if (w.config().architecture() != SaeArchitecture.TOPK) {
            int[] ids = {3, 17, 40, 41, 77, 95};
            try (SaeEncoder enc = SaeEncoder.forFeatures(OrtEnvironment.getEnvironment(), new OrtSession.SessionOptions(), w, ids)) {
                assertThat(enc.width()).isEqualTo(ids.length);
                assertMatches(enc.encode(x, ROWS), want, ids);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void squareMatricesAreRefusedAsAmbiguous() throws Exception {
        new PublishedSaes(16, 16, 1).gemmaScope2(tmp);
        CliRun r = CliRun.of("import-sae", "--from", tmp.resolve("params.safetensors").toString(), "-o", tmp.resolve("sae").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("params.safetensors", "'w_enc'", "square", "[16, 16]");
    }

    @org.junit.jupiter.api.Test
    void aTensorOfTheWrongShapeIsRefusedNamingTheExpectedShapes() throws Exception {
        new PublishedSaes(D_IN, D_SAE, 2).sparsify(tmp, 6);
        java.nio.file.Files.writeString(tmp.resolve("cfg.json"), java.nio.file.Files.readString(tmp.resolve("cfg.json"))
                .replace("\"d_in\":" + D_IN, "\"d_in\":" + (D_IN + 1)));
        CliRun r = CliRun.of("import-sae", "--from", tmp.toString(), "-o", tmp.resolve("sae").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("sae.safetensors", "'encoder.weight'", "[96, 24]", "[25, 96] or [96, 25]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"constant_norm_rescale", "layer_norm"})
    void perTokenNormalisationIsRefusedNamingFileKeyAndValue(String normalize) throws Exception {
        new PublishedSaes(D_IN, D_SAE, 3).saeLens(tmp, normalize, null);
        CliRun r = CliRun.of("import-sae", "--from", tmp.toString(), "-o", tmp.resolve("sae").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cfg.json", "normalize_activations", "'" + normalize + "'", "cannot be folded");
    }

    @org.junit.jupiter.api.Test
    void expectedAverageNormNeedsItsFactor() throws Exception {
        new PublishedSaes(D_IN, D_SAE, 4).saeLens(tmp, "expected_average_only_in", null);
        CliRun r = CliRun.of("import-sae", "--from", tmp.toString(), "-o", tmp.resolve("sae").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cfg.json", "normalize_activations 'expected_average_only_in'", "activation_scaler.json",
                "--norm-scaling-factor");
        CliRun ok = CliRun.of("import-sae", "--from", tmp.toString(), "-o", tmp.resolve("sae").toString(),
                "--norm-scaling-factor", "0.5");
        assertThat(ok.code()).as(ok.err()).isZero();
        SaeWeights plain = SaeWeights.load(tmp, dev.saemonitor.modelpack.SaeConfig.fromJson(tmp.resolve("cfg.json"),
                ((com.fasterxml.jackson.databind.node.ObjectNode) dev.saemonitor.modelpack.SaeConfig.readJson(tmp.resolve("cfg.json")))
                        .put("normalize_activations", "none")));
        SaeWeights folded = SaeWeights.load(tmp.resolve("sae"));
        assertThat(folded.wEnc()[5]).isEqualTo(plain.wEnc()[5] * 0.5f);
        assertThat(folded.bDec()[5]).isEqualTo(plain.bDec()[5] / 0.5f);
    }

    @org.junit.jupiter.api.Test
    void llamaScopeTokenWiseNormIsRefused() throws Exception {
        new PublishedSaes(D_IN, D_SAE, 5).llamaScope(tmp, 0.3);
        java.nio.file.Files.writeString(tmp.resolve("hyperparams.json"), java.nio.file.Files.readString(tmp.resolve("hyperparams.json"))
                .replace("dataset-wise", "token-wise"));
        CliRun r = CliRun.of("import-sae", "--from", tmp.toString(), "-o", tmp.resolve("sae").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("hyperparams.json", "'norm_activation'", "'token-wise'");
    }

    /** Codes equal NumPy's (on {@code only} when given, else everywhere); both active and silent codes occur. */
    private static void assertMatches(SparseCodes codes, Npy.Matrix want, int[] only) {
        boolean[] compare = new boolean[D_SAE];
        if (only == null) {
            java.util.Arrays.fill(compare, true);
        } else {
            for (int id : only) {
                compare[id] = true;
            }
        }
        int active = 0, silent = 0;
        for (int row = 0; row < ROWS; row++) {
            float[] got = codes.dense(row, D_SAE);
            for (int j = 0; j < D_SAE; j++) {
                if (!compare[j]) {
                    continue;
                }
                double e = want.data()[row * D_SAE + j];
                assertThat((double) got[j]).as("row %d feature %d", row, j).isCloseTo(e,
                        org.assertj.core.api.Assertions.within(1e-4 * Math.abs(e) + 1e-6));
                if (e > 0) {
                    active++;
                } else {
                    silent++;
                }
            }
        }
        assertThat(active).as("active codes compared").isGreaterThan(only == null ? ROWS : 5);
        assertThat(silent).as("silent codes compared").isGreaterThan(only == null ? ROWS : 5);
    }

    private Npy.Matrix numpy(String layout, Path src) throws Exception {
        Path out = tmp.resolve("expected.npy");
        Process p;
        try {
            p = new ProcessBuilder("python3", "scripts/public_sae_reference.py", "--layout", layout, "--sae", src.toString(),
                    "--x", tmp.resolve("x.npy").toString(), "--out", out.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("python3 not available: " + e.getMessage());
            return null;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(!log.contains("No module named 'numpy'"), "NumPy not installed: cross-check skipped");
        assertThat(p.exitValue()).as(log).isZero();
        return Npy.read(out);
    }
}
