package dev.ssam.tasks.debian;

import dev.ssam.ops.audio.AudioFiles;
import dev.ssam.runtime.io.FileFormatException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The drums task: one drum hit per clip, labelled with its kit piece ({@link DrumClass}).
 *
 * <p>Sources below the root: {@value #HYDROGEN} (each kit's {@code drumkit.xml}: every layer file
 * of an instrument takes the instrument's class; a file two instruments of different classes use
 * is left out), {@value #AVLDRUMS} ({@code *.sf2}: every sample whose name starts with a General
 * MIDI drum note) and {@value #SONIC_PI} ({@code *.flac}, by file name). Files in formats {@link
 * AudioFiles} does not decode (AIFF) are left out and counted in the notes.
 *
 * <p>Fold groups: one per Hydrogen kit; the Black Pearl Hydrogen kit and both avldrums kits share
 * an author and form one group; the three Millo kits share an author and instrument layout and
 * form one group; sonic-pi samples group by their name family ({@code bd}, {@code sn}, {@code
 * drum}, {@code elec}), so velocity layers and numbered variants always share a fold.
 */
final class DrumsTask {
    static final String HYDROGEN = "usr/share/hydrogen/data/drumkits";
    static final String AVLDRUMS = "usr/share/sounds/sf2";
    static final String SONIC_PI = "usr/share/sonic-pi/samples";
    private static final String PEARL_GROUP = "black-pearl (Hydrogen + avldrums)";

    private DrumsTask() {
    }

    static DebianTasks.Collected collect(Path root) throws IOException {
        List<DebianTasks.Item> items = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Map<String, String> licences = new TreeMap<>();
        boolean any = false;
        Path hydrogen = root.resolve(HYDROGEN);
        if (Files.isDirectory(hydrogen)) {
            any = true;
            hydrogen(hydrogen, items, notes, licences, files);
        } else {
            notes.add("hydrogen-drumkits not found (" + hydrogen + "): left out");
        }
        Path sf2 = root.resolve(AVLDRUMS);
        List<Path> fonts = Files.isDirectory(sf2) ? list(sf2, "_4_LV2.sf2") : List.of();
        if (!fonts.isEmpty()) {
            any = true;
            for (Path font : fonts) {
                soundFont(font, items, notes);
            }
            files.addAll(fonts);
            licences.put("avldrums.lv2-soundfont", "CC-BY-SA-3.0");
        } else {
            notes.add("avldrums.lv2-soundfont not found (" + sf2 + "/*_4_LV2.sf2): left out");
        }
        Path sonic = root.resolve(SONIC_PI);
        if (Files.isDirectory(sonic)) {
            any = true;
            sonicPi(sonic, items, files);
            licences.put("sonic-pi-samples", "CC0");
        } else {
            notes.add("sonic-pi-samples not found (" + sonic + "): left out");
        }
        if (!any) {
            throw new NoSuchFileException(root.toString(), null, "none of hydrogen-drumkits, avldrums.lv2-soundfont,"
                    + " sonic-pi-samples is installed below this root (see tools/install-data.sh)");
        }
        StringBuilder licence = new StringBuilder();
        licences.forEach((k, v) -> licence.append(licence.isEmpty() ? "" : "; ").append(k).append(": ").append(v));
        return new DebianTasks.Collected(items, notes, licence.toString(), files);
    }

    private static void hydrogen(Path dir, List<DebianTasks.Item> items, List<String> notes, Map<String, String> licences,
            List<Path> used)
            throws IOException {
        int undecodable = 0;
        int unmapped = 0;
        for (Path kit : folders(dir)) {
            Path xml = kit.resolve("drumkit.xml");
            if (!Files.isRegularFile(xml)) {
                continue;
            }
            String kitName = kit.getFileName().toString();
            Element doc = parse(xml).getDocumentElement();
            String licence = childText(doc, "license");
            Map<Path, DrumClass> byFile = new LinkedHashMap<>();
            List<Path> conflicting = new ArrayList<>();
            NodeList instruments = doc.getElementsByTagName("instrument");
            for (int i = 0; i < instruments.getLength(); i++) {
                Element ins = (Element) instruments.item(i);
                DrumClass cls = DrumClass.ofInstrumentName(childText(ins, "name"));
                NodeList files = ins.getElementsByTagName("filename");
                if (cls == null) {
                    unmapped += files.getLength();
                    continue;
                }
                for (int f = 0; f < files.getLength(); f++) {
                    Path file = kit.resolve(files.item(f).getTextContent().strip()).normalize();
                    DrumClass before = byFile.putIfAbsent(file, cls);
                    if (before != null && before != cls) {
                        conflicting.add(file);
                    }
                }
            }
            conflicting.forEach(byFile::remove);
            String group = group(kitName);
            int taken = items.size();
            for (Map.Entry<Path, DrumClass> e : byFile.entrySet()) {
                Path file = e.getKey();
                if (!Files.isRegularFile(file)) {
                    notes.add(kitName + ": " + file.getFileName() + " listed in drumkit.xml but missing");
                } else if (!AudioFiles.hasAudioExtension(file)) {
                    undecodable++;
                } else {
                    used.add(file);
                    items.add(new DebianTasks.Item(group, "hydrogen/" + kitName + "/" + file.getFileName(),
                            e.getValue().label(), () -> AudioFiles.read(file)));
                }
            }
            if (items.size() > taken) {
                licences.put("hydrogen-drumkits/" + kitName, licence.isBlank()
                        ? "see /usr/share/doc/hydrogen-drumkits/copyright" : licence.strip());
            }
            if (!conflicting.isEmpty()) {
                notes.add(kitName + ": " + conflicting.size() + " files used by instruments of different classes, left out");
            }
        }
        notes.add("hydrogen-drumkits: " + unmapped + " layer files of instruments outside the classes, " + undecodable
                + " files in formats not decoded, left out");
    }

    private static void soundFont(Path font, List<DebianTasks.Item> items, List<String> notes) throws IOException {
        SoundFont sf = SoundFont.read(font);
        String kit = font.getFileName().toString().replace(".sf2", "");
        int unmapped = 0;
        for (SoundFont.Sample s : sf.samples()) {
            int dash = s.name().indexOf('-');
            DrumClass cls = dash > 0 && s.name().substring(0, dash).chars().allMatch(Character::isDigit)
                    ? DrumClass.ofGmNote(Integer.parseInt(s.name().substring(0, dash))) : null;
            if (cls == null) {
                unmapped++;
                continue;
            }
            items.add(new DebianTasks.Item(PEARL_GROUP, "avldrums/" + kit + "/" + s.name(), cls.label(), () -> sf.clip(s)));
        }
        notes.add(kit + ": " + unmapped + " samples outside the classes, left out");
    }

    private static void sonicPi(Path dir, List<DebianTasks.Item> items, List<Path> used) throws IOException {
        for (Path f : list(dir, ".flac")) {
            String stem = f.getFileName().toString().replace(".flac", "");
            DrumClass cls = DrumClass.ofSonicPiStem(stem);
            if (cls != null) {
                used.add(f);
                items.add(new DebianTasks.Item("sonic-pi " + stem.substring(0, stem.indexOf('_')), "sonic-pi/" + stem,
                        cls.label(), () -> AudioFiles.read(f)));
            }
        }
    }

    /** The fold group of a Hydrogen kit folder (kits of one author share a group). */
    static String group(String kitFolder) {
        String k = kitFolder.toLowerCase(Locale.ROOT);
        if (k.contains("black pearl")) {
            return PEARL_GROUP;
        }
        return k.startsWith("millo") ? "millo (3 kits)" : "hydrogen " + kitFolder;
    }

    static Document parse(Path xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(xml.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new FileFormatException(xml, "not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The text of the first direct child element named {@code tag}, or "". */
    static String childText(Element e, String tag) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) {
                return c.getTextContent();
            }
        }
        return "";
    }

    static List<Path> folders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Regular files directly in {@code dir} whose names end with {@code suffix}, sorted. */
    static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
