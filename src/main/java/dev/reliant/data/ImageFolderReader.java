package dev.reliant.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a folder with one subfolder per class, as torchvision's {@code ImageFolder} (and its
 * GTSRB training split, {@code GTSRB/Training/00000 … 00042}) does: the classes are the
 * subfolder names in sorted order, the class id is the position in that order, and the images
 * of a class are the files with an image extension found below its folder, ordered by folder
 * path and then file name, as torchvision's {@code make_dataset}. Other files (GTSRB's per-class
 * CSVs) are skipped.
 */
public final class ImageFolderReader {
    /** The extensions torchvision's ImageFolder accepts that reliant can decode. */
    public static final List<String> EXTENSIONS = List.of(".png", ".ppm", ".pgm", ".bmp", ".gif", ".jpg", ".jpeg");

    private ImageFolderReader() {}

    /** Reads all images below {@code dir}, the class subfolders' names becoming the class names. */
    public static Dataset read(String name, Path dir, ImageOptions options, int limit) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(name + ": folder not found: " + dir);
        }
        List<Path> classes;
        try (Stream<Path> s = Files.list(dir)) {
            classes = s.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw DatasetException.io(dir, e);
        }
        if (classes.isEmpty()) {
            throw new DatasetException(name + ": no class subfolders in " + dir);
        }
        List<String> names = new ArrayList<>();
        List<ImageOptions.Entry> entries = new ArrayList<>();
        for (int c = 0; c < classes.size() && entries.size() < limit; c++) {
            Path cls = classes.get(c);
            names.add(cls.getFileName().toString());
            List<Path> files;
            try (Stream<Path> s = Files.walk(cls)) {
                files = s.filter(Files::isRegularFile).filter(ImageFolderReader::isImage)
                        .sorted(Comparator.comparing((Path p) -> p.getParent().toString())
                                .thenComparing(p -> p.getFileName().toString()))
                        .toList();
            } catch (IOException e) {
                throw DatasetException.io(cls, e);
            }
            for (Path f : files) {
                if (entries.size() >= limit) {
                    break;
                }
                entries.add(new ImageOptions.Entry(f, c, "file " + f));
            }
        }
        for (int c = names.size(); c < classes.size(); c++) {
            names.add(classes.get(c).getFileName().toString());
        }
        if (entries.isEmpty()) {
            throw new DatasetException(name + ": no images (" + String.join(", ", EXTENSIONS) + ") below " + dir);
        }
        return options.load(name, entries, names);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) {
            if (n.endsWith(e)) {
                return true;
            }
        }
        return false;
    }
}
