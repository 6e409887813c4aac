package dev.reliant.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens a data set by name from a directory in its usual layout:
 *
 * <table>
 *   <caption>names, files and splits</caption>
 *   <tr><th>name</th><th>files</th></tr>
 *   <tr><td>{@code mnist}, {@code fashion-mnist}</td>
 *       <td>{@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}</td></tr>
 *   <tr><td>{@code cifar10}</td><td>{@code data_batch_1..5.bin}, {@code test_batch.bin},
 *       {@code batches.meta.txt} (or the folder {@code cifar-10-batches-bin} inside)</td></tr>
 *   <tr><td>{@code cifar100}</td><td>{@code train.bin}, {@code test.bin}, {@code
 *       fine_label_names.txt} (or the folder {@code cifar-100-binary} inside); fine labels</td></tr>
 *   <tr><td>{@code gtsrb}</td><td>test: {@code GT-final_test.csv} (";", {@code Filename},
 *       {@code ClassId}) with the images in {@code GTSRB/Final_Test/Images/}, as torchvision's
 *       GTSRB (its root or its {@code gtsrb} folder), or {@code Test.csv} ({@code Path},
 *       {@code ClassId}); train: the class folders {@code GTSRB/Training/00000…00042} or
 *       {@code Train.csv}. Images resized to 50×50 with {@link Resize.Mode#PIL}, RGB, 43
 *       classes</td></tr>
 *   <tr><td>{@code imagefolder}</td><td>{@code SPLIT.csv} (see {@link ImageCsvReader}) or class
 *       subfolders in {@code SPLIT/} (see {@link ImageFolderReader}); RGB, no resize</td></tr>
 * </table>
 *
 * The splits are {@code train} and {@code test} (any split name for {@code imagefolder}). Names
 * are matched ignoring case, {@code -} and {@code _} ({@code CIFAR-10} is {@code cifar10}).
 * Every failure is a one-line {@link DatasetException}: an unknown name lists the accepted ones,
 * a missing file gives the path looked for.
 */
public final class Datasets {
    /** The accepted names. */
    public static final List<String> NAMES = List.of("mnist", "fashion-mnist", "cifar10", "cifar100", "gtsrb",
            "imagefolder");
    /** GTSRB's input size in the reliability model set. */
    public static final int GTSRB_SIZE = 50;
    /** GTSRB's number of classes. */
    public static final int GTSRB_CLASSES = 43;

    private Datasets() {}

    /** The canonical name ({@link #NAMES}) of a data set name, or a one-line error listing them. */
    public static String canonicalName(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (String n : NAMES) {
            if (n.replace("-", "").equals(key)) {
                return n;
            }
        }
        throw new DatasetException("unknown data set '" + name + "'; accepted: " + String.join(", ", NAMES));
    }

    /** Opens a data set with the default image options (for gtsrb: RGB resized to 50×50 the PIL way). */
    public static Dataset open(String name, Path dir, String split) {
        return open(name, dir, split, null);
    }

    /**
     * Opens a data set; {@code images} (null for the default) applies to the data sets made of
     * image files (gtsrb, imagefolder) and is ignored by the others.
     */
    public static Dataset open(String name, Path dir, String split, ImageOptions images) {
        String n = canonicalName(name);
        if (dir == null || !Files.isDirectory(dir)) {
            throw new DatasetException(n + ": directory not found: " + dir);
        }
        if (!"imagefolder".equals(n) && !"train".equals(split) && !"test".equals(split)) {
            throw new DatasetException("unknown split '" + split + "' for " + n + "; accepted: train, test");
        }
        switch (n) {
            case "mnist":
                return IdxReader.read(n, dir, split, IdxReader.MNIST_CLASSES);
            case "fashion-mnist":
                return IdxReader.read(n, dir, split, IdxReader.FASHION_MNIST_CLASSES);
            case "cifar10":
                return CifarReader.cifar10(dir, split);
            case "cifar100":
                return CifarReader.cifar100(dir, split);
            case "gtsrb":
                return gtsrb(dir, split, images != null ? images
                        : ImageOptions.rgb().resize(GTSRB_SIZE, GTSRB_SIZE, Resize.Mode.PIL));
            default:
                return imageFolder(dir, split, images != null ? images : ImageOptions.rgb());
        }
    }

    /** The normalisation the reliability model set uses for a data set (none for fashion-mnist and imagefolder). */
    public static Normalization defaultNormalization(String name) {
        switch (canonicalName(name)) {
            case "mnist":
                return Normalization.MNIST;
            case "cifar10":
                return Normalization.CIFAR;
            case "cifar100":
                return Normalization.CIFAR100;
            case "gtsrb":
                return Normalization.GTSRB;
            default:
                return Normalization.NONE;
        }
    }

    private static Dataset gtsrb(Path dir, String split, ImageOptions opts) {
        String name = "gtsrb " + split;
        List<Path> looked = new ArrayList<>();
        if ("test".equals(split)) {
            for (Path base : List.of(dir.resolve("gtsrb"), dir)) {
                Path csv = base.resolve("GT-final_test.csv");
                looked.add(csv);
                if (Files.isRegularFile(csv)) {
                    Path images = base.resolve("GTSRB").resolve("Final_Test").resolve("Images");
                    if (!Files.isDirectory(images)) {
                        images = Files.isDirectory(base.resolve("Final_Test").resolve("Images"))
                                ? base.resolve("Final_Test").resolve("Images") : base;
                    }
                    return ImageCsvReader.of(csv).imageRoot(images).numClasses(GTSRB_CLASSES).options(opts)
                            .name(name).read();
                }
            }
            Path csv = dir.resolve("Test.csv");
            looked.add(csv);
            if (Files.isRegularFile(csv)) {
                return ImageCsvReader.of(csv).numClasses(GTSRB_CLASSES).options(opts).name(name).read();
            }
        } else {
            for (Path folder : List.of(dir.resolve("gtsrb").resolve("GTSRB").resolve("Training"),
                    dir.resolve("GTSRB").resolve("Training"),
                    dir.resolve("GTSRB").resolve("Final_Training").resolve("Images"),
                    dir.resolve("Final_Training").resolve("Images"))) {
                looked.add(folder);
                if (Files.isDirectory(folder)) {
                    Dataset d = ImageFolderReader.read(name, folder, opts, Integer.MAX_VALUE);
                    if (d.numClasses() != GTSRB_CLASSES) {
                        throw new DatasetException(name + ": " + folder + " has " + d.numClasses()
                                + " class folders, expected " + GTSRB_CLASSES);
                    }
                    return d;
                }
            }
            Path csv = dir.resolve("Train.csv");
            looked.add(csv);
            if (Files.isRegularFile(csv)) {
                return ImageCsvReader.of(csv).numClasses(GTSRB_CLASSES).options(opts).name(name).read();
            }
        }
        throw new DatasetException(name + ": no GTSRB " + split + " files in " + dir + "; looked for "
                + String.join(", ", looked.stream().map(Path::toString).toList()));
    }

    private static Dataset imageFolder(Path dir, String split, ImageOptions opts) {
        String name = "imagefolder " + split;
        Path csv = dir.resolve(split + ".csv");
        if (Files.isRegularFile(csv)) {
            return ImageCsvReader.of(csv).options(opts).name(name).read();
        }
        Path folder = dir.resolve(split);
        if (Files.isDirectory(folder)) {
            return ImageFolderReader.read(name, folder, opts, Integer.MAX_VALUE);
        }
        throw new DatasetException(name + ": file not found: " + csv + " (nor the class folder " + folder + ")");
    }
}
