package dev.ssam.tasks.debian;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DrumClassTest {
    @Test
    void mapsHydrogenInstrumentNames() {
        Map<String, DrumClass> cases = Map.ofEntries(
                Map.entry("Kick", DrumClass.KICK), Map.entry("Kick (Tama Superstar 22\")", DrumClass.KICK),
                Map.entry("c3 - bass drum 1", DrumClass.KICK), Map.entry("BassDrum", DrumClass.KICK),
                Map.entry("Snare Rimshot (Pearl Free Floating Maple 14x3.5)", DrumClass.RIMSHOT),
                Map.entry("Pearl Side Stick", DrumClass.RIMSHOT), Map.entry("Rim Click", DrumClass.RIMSHOT),
                Map.entry("Snare Jazz", DrumClass.SNARE), Map.entry("Snare1", DrumClass.SNARE),
                Map.entry("Hand Clap", DrumClass.CLAP),
                Map.entry("Closed HH", DrumClass.HIHAT_CLOSED), Map.entry("VariBreaks Hat 1 Cl", DrumClass.HIHAT_CLOSED),
                Map.entry("f#3 - hi-hat closed", DrumClass.HIHAT_CLOSED),
                Map.entry("Hi Hat Opened", DrumClass.HIHAT_OPEN), Map.entry("Hat Op Dirty", DrumClass.HIHAT_OPEN),
                Map.entry("Sabian Hat Pedal", DrumClass.HIHAT_PEDAL), Map.entry("VariBreaks Hat 1 Pd", DrumClass.HIHAT_PEDAL),
                Map.entry("Tom Low", DrumClass.TOM), Map.entry("tomhi2", DrumClass.TOM), Map.entry("Floor Tom", DrumClass.TOM),
                Map.entry("Pearl Tom Floor", DrumClass.TOM),
                Map.entry("China (Paiste Alpha 18\")", DrumClass.CRASH), Map.entry("crash16inch", DrumClass.CRASH),
                Map.entry("Zildjian Splash", DrumClass.CRASH),
                Map.entry("Ride (Custom, Zagrebin 22\")", DrumClass.RIDE), Map.entry("ride-cup", DrumClass.RIDE));
        cases.forEach((name, cls) -> assertEquals(cls, DrumClass.ofInstrumentName(name), name));
    }

    @Test
    void leavesOutAmbiguousAndOtherInstruments() {
        for (String name : new String[] {"Sabian Hat Semi-Open", "Hi Hat Free", "Side HH", "Hat Low",
            "Crash/Ride (Paiste Rude Crash/Ride 18\")", "ride-crash20inch", "Zildjian Splash Choke", "Snare Roll",
            "d#4 - cymbal 1", "Cowbell", "Djembe1 Slap", "Paiste Bell", "Sample: beats_01-35.flac", "27"}) {
            assertNull(DrumClass.ofInstrumentName(name), name);
        }
    }

    @Test
    void mapsGeneralMidiNotesAndSonicPiNames() {
        assertEquals(DrumClass.KICK, DrumClass.ofGmNote(36));
        assertEquals(DrumClass.RIMSHOT, DrumClass.ofGmNote(37));
        assertEquals(DrumClass.HIHAT_PEDAL, DrumClass.ofGmNote(44));
        assertEquals(DrumClass.RIDE, DrumClass.ofGmNote(53));
        assertNull(DrumClass.ofGmNote(56));
        assertEquals(DrumClass.KICK, DrumClass.ofSonicPiStem("bd_haus"));
        assertEquals(DrumClass.SNARE, DrumClass.ofSonicPiStem("sn_dub"));
        assertEquals(DrumClass.HIHAT_OPEN, DrumClass.ofSonicPiStem("drum_cymbal_open"));
        assertEquals(DrumClass.TOM, DrumClass.ofSonicPiStem("elec_fuzz_tom"));
        assertNull(DrumClass.ofSonicPiStem("drum_cymbal_hard"));
        assertNull(DrumClass.ofSonicPiStem("tabla_na"));
    }
}
