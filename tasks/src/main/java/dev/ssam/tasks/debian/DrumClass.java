package dev.ssam.tasks.debian;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The kit-piece classes of the drums task and the rules that map each source's names onto them.
 * A name that matches no rule, or matches an ambiguous one (semi-open or swished hi-hats, a
 * "crash/ride", a bare "cymbal", snare rolls), gives {@code null}: the sample is left out.
 *
 * <ul>
 *   <li>Hydrogen {@code drumkit.xml} instrument names ({@link #ofInstrumentName}): text in
 *       parentheses and note prefixes such as {@code "c#3 - "} are dropped, then, in order:
 *       rim/stick -> rimshot; clap -> clap; hat/hh -> pedal, open or closed hi-hat by the words
 *       pedal/pd/foot, open/op/opened, closed/cl; kick/bass drum/bassdrum/bd -> kick; snare ->
 *       snare; a word starting with tom, or floor -> tom; crash/china/splash -> crash; ride -> ride.</li>
 *   <li>General-MIDI drum notes ({@link #ofGmNote}), which start the avldrums SF2 sample names
 *       ({@code 36-Pearl22Kick-3}).</li>
 *   <li>sonic-pi-samples file names ({@link #ofSonicPiStem}): {@code bd_*} kick, {@code sn_*}
 *       snare, and a fixed table for {@code drum_*} and {@code elec_*}.</li>
 * </ul>
 */
enum DrumClass {
    KICK("kick"), SNARE("snare"), RIMSHOT("rimshot"), CLAP("clap"), HIHAT_CLOSED("hihat-closed"),
    HIHAT_OPEN("hihat-open"), HIHAT_PEDAL("hihat-pedal"), TOM("tom"), CRASH("crash"), RIDE("ride");

    private static final Pattern PARENTHESES = Pattern.compile("\\([^)]*\\)");
    private static final Pattern NOTE_PREFIX = Pattern.compile("^[a-g]#?-?\\d\\s*-\\s*");
    private static final Pattern HAT = Pattern.compile("\\bhat\\b|hi-?hat|\\bhh\\b|\\bohh\\b");
    private static final Pattern AMBIGUOUS_HAT = Pattern.compile("semi|swish|choke|free|side|\\blow\\b|ring");
    private static final Pattern KICK_WORDS = Pattern.compile("kick|bass ?drum|\\bbd\\b");
    private static final Pattern TOM_WORDS = Pattern.compile("\\btom|floor");

    private static final Map<String, DrumClass> SONIC_PI = Map.ofEntries(
            Map.entry("drum_bass_hard", KICK), Map.entry("drum_bass_soft", KICK), Map.entry("drum_heavy_kick", KICK),
            Map.entry("drum_snare_hard", SNARE), Map.entry("drum_snare_soft", SNARE),
            Map.entry("drum_cymbal_closed", HIHAT_CLOSED), Map.entry("drum_cymbal_open", HIHAT_OPEN),
            Map.entry("drum_cymbal_pedal", HIHAT_PEDAL),
            Map.entry("drum_splash_hard", CRASH), Map.entry("drum_splash_soft", CRASH),
            Map.entry("drum_tom_hi_hard", TOM), Map.entry("drum_tom_hi_soft", TOM), Map.entry("drum_tom_lo_hard", TOM),
            Map.entry("drum_tom_lo_soft", TOM), Map.entry("drum_tom_mid_hard", TOM), Map.entry("drum_tom_mid_soft", TOM),
            Map.entry("elec_hollow_kick", KICK), Map.entry("elec_soft_kick", KICK),
            Map.entry("elec_snare", SNARE), Map.entry("elec_hi_snare", SNARE), Map.entry("elec_lo_snare", SNARE),
            Map.entry("elec_mid_snare", SNARE), Map.entry("elec_filt_snare", SNARE), Map.entry("elec_fuzz_tom", TOM));

    private final String label;

    DrumClass(String label) {
        this.label = label;
    }

    /** The label written into the task ({@code hihat-closed}). */
    String label() {
        return label;
    }

    /** The class of a Hydrogen instrument name, or {@code null}. */
    static DrumClass ofInstrumentName(String instrument) {
        String n = PARENTHESES.matcher(instrument.toLowerCase(Locale.ROOT)).replaceAll(" ").trim();
        n = NOTE_PREFIX.matcher(n).replaceFirst("");
        if (n.contains("rim") || n.contains("stick")) {
            return RIMSHOT;
        }
        if (n.contains("clap")) {
            return CLAP;
        }
        if (HAT.matcher(n).find()) {
            if (AMBIGUOUS_HAT.matcher(n).find()) {
                return null;
            }
            if (n.matches(".*\\b(pedal|pd|foot)\\b.*")) {
                return HIHAT_PEDAL;
            }
            if (n.matches(".*\\b(open|opened|op)\\b.*") || n.contains("ohh")) {
                return HIHAT_OPEN;
            }
            return n.matches(".*\\b(closed|cl)\\b.*") ? HIHAT_CLOSED : null;
        }
        if (KICK_WORDS.matcher(n).find()) {
            return KICK;
        }
        if (n.contains("snare")) {
            return n.contains("roll") ? null : SNARE;
        }
        if (TOM_WORDS.matcher(n).find()) {
            return TOM;
        }
        boolean crash = n.contains("crash") || n.contains("china") || n.contains("splash");
        boolean ride = n.contains("ride");
        if (crash && ride || n.contains("choke")) {
            return null;
        }
        return crash ? CRASH : ride ? RIDE : null;
    }

    /** The class of a General-MIDI percussion note (key 35..81), or {@code null}. */
    static DrumClass ofGmNote(int note) {
        return switch (note) {
            case 35, 36 -> KICK;
            case 37 -> RIMSHOT;
            case 38, 40 -> SNARE;
            case 39 -> CLAP;
            case 42 -> HIHAT_CLOSED;
            case 44 -> HIHAT_PEDAL;
            case 46 -> HIHAT_OPEN;
            case 41, 43, 45, 47, 48, 50 -> TOM;
            case 49, 52, 55, 57 -> CRASH;
            case 51, 53, 59 -> RIDE;
            default -> null;
        };
    }

    /** The class of a sonic-pi-samples file name without extension, or {@code null}. */
    static DrumClass ofSonicPiStem(String stem) {
        if (stem.startsWith("bd_")) {
            return KICK;
        }
        if (stem.startsWith("sn_")) {
            return SNARE;
        }
        return SONIC_PI.get(stem);
    }
}
