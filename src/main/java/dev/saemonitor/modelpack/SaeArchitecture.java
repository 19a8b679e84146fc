package dev.saemonitor.modelpack;

import java.util.Locale;

/** The encoder non-linearities SAELens defines and this project runs. */
public enum SaeArchitecture {
    /** relu(W_enc x + b_enc); SAELens calls it "standard". */
    RELU,
    /** relu(pre) where pre > threshold, else 0 (Gemma Scope, SAELens "jumprelu"). */
    JUMPRELU,
    /** the k largest pre-activations, passed through relu; the rest 0 (OpenAI TopK, SAELens "topk"). */
    TOPK;

    public static SaeArchitecture parse(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "relu", "standard" -> RELU;
            case "jumprelu" -> JUMPRELU;
            case "topk" -> TOPK;
            default -> throw new IllegalArgumentException("architecture '" + name + "', expected relu (standard), jumprelu or topk");
        };
    }

    public String saeLensName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
