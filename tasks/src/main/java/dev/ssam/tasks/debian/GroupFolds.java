package dev.ssam.tasks.debian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deals groups of clips that must stay together (a drum kit, a voice pack, a stamp category)
 * over k folds: groups in decreasing size (ties by name) each go to the fold holding the fewest
 * clips so far (ties to the lowest fold). Deterministic, and no group is ever split.
 *
 * <pre>{@code
 * Map<String, Integer> fold = GroupFolds.deal(Map.of("kitA", 40, "kitB", 12, "kitC", 30), 3);
 * }</pre>
 */
final class GroupFolds {
    private GroupFolds() {
    }

    /**
     * The fold (0..k-1) of every group.
     *
     * @param sizes clips per group
     * @param k     folds
     * @throws IllegalArgumentException when there are fewer groups than folds
     */
    static Map<String, Integer> deal(Map<String, Integer> sizes, int k) {
        if (sizes.size() < k) {
            throw new IllegalArgumentException("folds: " + sizes.size() + " groups " + sizes.keySet()
                    + " cannot fill " + k + " folds without splitting one");
        }
        List<Map.Entry<String, Integer>> order = new ArrayList<>(sizes.entrySet());
        order.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        long[] load = new long[k];
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : order) {
            int best = 0;
            for (int f = 1; f < k; f++) {
                if (load[f] < load[best]) {
                    best = f;
                }
            }
            load[best] += e.getValue();
            out.put(e.getKey(), best);
        }
        return out;
    }
}
