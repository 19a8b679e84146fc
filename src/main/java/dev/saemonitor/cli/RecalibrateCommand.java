package dev.saemonitor.cli;

import dev.saemonitor.console.Feedback;
import dev.saemonitor.calibration.EncodedCorpus;
import dev.saemonitor.calibration.LabelledText;
import dev.saemonitor.calibration.ReviewThresholds;
import dev.saemonitor.feedback.FeedbackReader;
import dev.saemonitor.feedback.Review;
import dev.saemonitor.feedback.ReviewReport;
import dev.saemonitor.feedback.ReviewedSet;
import dev.saemonitor.ingest.EventParser;
import dev.saemonitor.modelpack.Catalog;
import dev.saemonitor.modelpack.ModelPack;
import dev.saemonitor.modelpack.PackLoader;
import dev.saemonitor.modelpack.PackWriter;
import dev.saemonitor.scoring.CategoryScorer;
import dev.saemonitor.scoring.SafetyScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recalibrate}: reviews (the console's {@code safety.feedback}, from the topic or JSONL) and the reviewed
 * events → a new pack version whose thresholds move as the reviews say ({@link ReviewThresholds}), or with
 * {@code --refit-heads} whose heads are refitted by {@code calibrate} with the reviewed texts added to the training
 * data; then the before/after figures on the reviews and on a labelled dev split, all scored through the service's
 * scoring code. The conversation section is carried over unchanged (its event part follows the new thresholds).
 */
@Command(name = "recalibrate", mixinStandardHelpOptions = true,
        description = "Move thresholds (or refit heads) from reviewers' feedback; writes a new pack version and prints "
                + "eval before/after on the reviews and a dev split.")
public class RecalibrateCommand implements Callable<Integer> {
    private static final com.fasterxml.jackson.databind.ObjectMapper LINE = new com.fasterxml.jackson.databind.ObjectMapper();

    @Mixin
    PackOptions packOptions;
    @Spec
    CommandSpec spec;

    static class Source {
        @Option(names = "--feedback", description = "reviews, JSONL as the console writes them to safety.feedback: {\"eventId\", \"kind\", \"category\", \"label\", \"reviewer\", \"time\", \"pack\"}")
        Path file;
        @Option(names = "--feedback-topic", description = "read the reviews from this topic (with --bootstrap-servers)")
        String topic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;
    @Option(names = "--bootstrap-servers", description = "Kafka cluster of --feedback-topic")
    String bootstrap;
    @Option(names = "--texts", required = true, description = "the reviewed events as produced to llm.events, one JSON record a line (an export of the topic)")
    Path texts;
    @Option(names = "--data", arity = "1..*", description = "labelled dev JSONL for the before/after figures (default: data/seed/dev.jsonl and short_dev.jsonl when present)")
    List<Path> dev;
    @Option(names = {"-o", "--out"}, required = true, description = "directory of the new pack (must not exist)")
    Path out;
    @Option(names = "--pack-version", description = "version of the new pack (default: the old one with its last number raised)")
    String packVersion;
    @Option(names = "--miss-cost", defaultValue = "1", description = "cost of missing a reviewed true positive, in reviewed false positives flagged (default: ${DEFAULT-VALUE})")
    double missCost;
    @Option(names = "--min-reviews", defaultValue = "1", description = "categories with fewer true and false positive reviews keep their threshold (default: ${DEFAULT-VALUE})")
    int minReviews;
    @Option(names = "--refit-heads", description = "refit the heads with calibrate, the reviewed texts added to --train")
    boolean refitHeads;
    @Option(names = "--train", arity = "1..*", description = "labelled training JSONL for --refit-heads (default: data/seed/train.jsonl and short_train.jsonl)")
    List<Path> train;
    @Option(names = "--benign-corpus", description = "passed to calibrate with --refit-heads")
    Path benignCorpus;
    @Option(names = "--json-out", description = "write the figures here as JSON")
    Path jsonOut;
    @Option(names = "--batch", defaultValue = "32", description = "texts per reader batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new BadInputException("--out " + out + " exists; give a new directory for the new pack");
        }
        if (source.topic != null && bootstrap == null) {
            throw new BadInputException("--feedback-topic needs --bootstrap-servers");
        }
        if (!(missCost > 0)) {
            throw new BadInputException("--miss-cost must be positive, got " + missCost);
        }
        ModelPack old = packOptions.load();
        List<Review> reviews;
        ReviewedSet set;
        try {
            reviews = source.file != null ? FeedbackReader.fromJsonl(source.file)
                    : FeedbackReader.fromTopic(bootstrap, source.topic, Duration.ofSeconds(60));
            EventParser parser = EventParser.forPack(old, Integer.MAX_VALUE);
            set = ReviewedSet.join(reviews, texts, parser, new java.util.HashSet<>(categoryNames(old.catalog())));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        spec.commandLine().getErr().printf("recalibrate: %d reviews, %d reviewed events with text; %d reviews without a text in %s, %d of "
                + "categories %s does not score, %d of conversation verdicts (not used)%n", reviews.size(), set.texts().size(),
                set.noText(), texts, set.unknownCat(), old.name(), set.ofConversations());
        if (set.texts().isEmpty()) {
            throw new BadInputException("no review matches an event in " + texts + " (joined by eventId = the event's id)");
        }
        String version = packVersion != null ? packVersion : nextVersion(old.version());
        copyPack(old.dir(), out);
        List<LabelledText> devTexts = CalibrateCommand.readLabelled(devFiles());
        Catalog after;
        EncodedCorpus reviewedEnc, devEnc;
        try (SafetyScorer scorer = SafetyScorer.open(old, packOptions.settings())) {
            reviewedEnc = EncodedCorpus.encode(scorer, set.texts(), batch, n -> { });
            devEnc = EncodedCorpus.encode(scorer, devTexts.stream().map(LabelledText::text).toList(), batch, n -> { });
        }
        Map<String, ReviewThresholds.Choice> choices = new LinkedHashMap<>();
        if (refitHeads) {
            after = refit(set, version);
        } else {
            double[][] raw = rawScores(reviewedEnc, old.catalog(), old);
            List<Catalog.Category> cats = new ArrayList<>();
            for (int c = 0; c < old.catalog().categories().size(); c++) {
                Catalog.Category cat = old.catalog().categories().get(c);
                ReviewThresholds.Choice ch = ReviewThresholds.choose(cat.threshold(),
                        pick(raw, c, set.indices(cat.name(), Feedback.Label.true_positive)),
                        pick(raw, c, set.indices(cat.name(), Feedback.Label.false_positive)), missCost, minReviews);
                choices.put(cat.name(), ch);
                cats.add(new Catalog.Category(cat.name(), cat.severity(), cat.bias(), ch.threshold(), cat.features(),
                        ch.threshold() == cat.threshold() ? cat.thresholdChoice() : new Catalog.ThresholdChoice(
                                "reviews: least falsePositivesFlagged + " + missCost + " * truePositivesMissed, from "
                                        + cat.threshold(), null, source.file != null ? source.file.getFileName().toString()
                                        : source.topic, LocalDate.now().toString(), ch.falsePositives(), ch.truePositives())));
            }
            after = old.catalog().withCategories(cats);
            PackWriter.writeCatalog(out.resolve("catalog.yaml"), after);
            PackWriter.seal(out, old.name(), version, old.reader(), packOptions.readers());
        }
        ReviewReport report = ReviewReport.of(old, after, set, reviewedEnc, devTexts, devEnc, choices);
        report.print(spec.commandLine().getOut(), old.version(), version);
        spec.commandLine().getOut().flush();
        if (jsonOut != null) {
            TrainSaeCommand.JSON.writerWithDefaultPrettyPrinter().writeValue(jsonOut.toFile(), report.figures());
        }
        return MonitorCli.OK;
    }

    /** {@code calibrate} on the new pack's copy with the reviewed texts added; the texts file is removed afterwards. */
    private Catalog refit(ReviewedSet set, String version) throws Exception {
        Path reviewed = Files.createTempFile("sae-monitor-reviewed", ".jsonl");
        try {
            List<String> lines = new ArrayList<>();
            for (LabelledText t : set.labelled()) {
                // one line each: the shared mapper pretty-prints
                lines.add(LINE.writeValueAsString(Map.of("text", t.text(), "labels", t.labels())));
            }
            Files.write(reviewed, lines);
            List<String> args = new ArrayList<>(List.of("calibrate", "--pack", out.toString(), "--readers-dir",
                    packOptions.readers().toString(), "--pack-version", version, "--data"));
            trainFiles().forEach(p -> args.add(p.toString()));
            args.add(reviewed.toString());
            if (benignCorpus != null) {
                args.addAll(List.of("--benign-corpus", benignCorpus.toString()));
            }
            int rc = MonitorCli.commandLine().execute(args.toArray(String[]::new));
            if (rc != MonitorCli.OK) {
                throw new BadInputException("calibrate with the reviewed texts failed (exit " + rc + "); see its error above");
            }
        } finally {
            Files.deleteIfExists(reviewed);
        }
        return PackLoader.load(out, packOptions.readers()).catalog();
    }

    static double[][] rawScores(EncodedCorpus enc, Catalog catalog, ModelPack pack) {
        CategoryScorer s = CategoryScorer.of(catalog, pack);
        double[][] out = new double[catalog.categories().size()][enc.count()];
        for (int i = 0; i < enc.count(); i++) {
            double[] r = enc.score(s, i).rawScores();
            for (int c = 0; c < r.length; c++) {
                out[c][i] = r[c];
            }
        }
        return out;
    }

    private static double[] pick(double[][] raw, int c, int[] idx) {
        return java.util.Arrays.stream(idx).mapToDouble(i -> raw[c][i]).toArray();
    }

    static List<String> categoryNames(Catalog catalog) {
        return catalog.categories().stream().map(Catalog.Category::name).toList();
    }

    private List<Path> devFiles() {
        return dev != null ? dev : existing(Path.of("data/seed/dev.jsonl"), Path.of("data/seed/short_dev.jsonl"), "--data");
    }

    private List<Path> trainFiles() {
        return train != null ? train : existing(Path.of("data/seed/train.jsonl"), Path.of("data/seed/short_train.jsonl"), "--train");
    }

    private static List<Path> existing(Path a, Path b, String option) {
        List<Path> out = java.util.stream.Stream.of(a, b).filter(Files::isRegularFile).toList();
        if (out.isEmpty()) {
            throw new BadInputException(option + " is required (no " + a + ")");
        }
        return out;
    }

    /** 0.4.0 → 0.4.1; a version without a trailing number gets "-reviewed". */
    static String nextVersion(String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*?)(\\d+)$").matcher(v == null ? "" : v);
        return m.matches() ? m.group(1) + (Long.parseLong(m.group(2)) + 1) : v + "-reviewed";
    }

    private static void copyPack(Path from, Path to) throws java.io.IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path dst = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(f, dst);
                }
            }
        }
    }
}
