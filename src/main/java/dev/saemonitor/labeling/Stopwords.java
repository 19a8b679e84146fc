package dev.saemonitor.labeling;

import java.util.Set;

/**
 * English function words (articles, pronouns, auxiliaries, prepositions, conjunctions, common
 * contractions): an n-gram made only of these, or of punctuation, names no concept.
 */
final class Stopwords {
    private static final Set<String> WORDS = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
            "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
            "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either", "else", "even",
            "ever", "every", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her",
            "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it",
            "its", "itself", "just", "let", "may", "me", "might", "more", "most", "much", "must", "my",
            "myself", "neither", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or",
            "other", "others", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shall",
            "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
            "themselves", "then", "there", "these", "they", "this", "those", "though", "through", "thus",
            "to", "too", "under", "until", "unto", "up", "upon", "us", "very", "was", "we", "were", "what",
            "whatever", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will",
            "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
            "ye", "thee", "thou", "thy", "hath", "doth", "s", "t", "d", "ll", "m", "re", "ve",
            "it's", "i'm", "i've", "i'd", "i'll", "you're", "you've", "you'd", "you'll", "he's", "she's",
            "we're", "we've", "we'll", "they're", "they've", "they'll", "that's", "there's", "what's",
            "let's", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "can't",
            "cannot", "couldn't", "won't", "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't");

    private Stopwords() {
    }

    /** A function word or a punctuation token. */
    static boolean contains(String token) {
        return !Words.isWord(token) || WORDS.contains(token);
    }
}
