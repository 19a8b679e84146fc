package dev.saemonitor.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenWindowsTest {

    @Test
    void noTokensNoWindows() {
        assertThat(TokenWindows.plan(0, 10, 2)).isEmpty();
    }

    @Test
    void shortTextIsOneWindowOwningAll() {
        assertThat(TokenWindows.plan(7, 10, 2)).containsExactly(new TokenWindows.Window(0, 7, 0, 7));
        assertThat(TokenWindows.plan(10, 10, 2)).containsExactly(new TokenWindows.Window(0, 10, 0, 10));
    }

    @Test
    void overlapSplitsOwnershipAtItsMiddle() {
        // windows [0,10) and [6,11): overlap [6,10), split at 8
        assertThat(TokenWindows.plan(11, 10, 4)).containsExactly(
                new TokenWindows.Window(0, 10, 0, 8), new TokenWindows.Window(6, 11, 8, 11));
    }

    @Test
    void everyTokenOwnedExactlyOnceAndInsideItsWindow() {
        for (int n = 1; n < 300; n += 7) {
            for (int size : new int[] {1, 5, 16, 126}) {
                for (int overlap : new int[] {0, size / 4, size - 1}) {
                    if (overlap >= size) {
                        continue;
                    }
                    List<TokenWindows.Window> ws = TokenWindows.plan(n, size, overlap);
                    int next = 0;
                    for (TokenWindows.Window w : ws) {
                        assertThat(w.ownFrom()).isEqualTo(next);
                        assertThat(w.ownFrom()).isGreaterThanOrEqualTo(w.start());
                        assertThat(w.ownTo()).isLessThanOrEqualTo(w.end());
                        assertThat(w.length()).isLessThanOrEqualTo(size);
                        next = w.ownTo();
                    }
                    assertThat(next).isEqualTo(n);
                }
            }
        }
    }

    @Test
    void rejectsOverlapNotSmallerThanWindow() {
        assertThatThrownBy(() -> TokenWindows.plan(5, 4, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
