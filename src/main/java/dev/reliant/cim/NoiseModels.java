package dev.reliant.cim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses a noise model from a command-line string {@code kind[:key=value,...]}:
 * <ul>
 *   <li>{@code swim:dev_var=0.1,write_var=0.03} — spec A.1 simulated per device (defaults 0.3, 0.03);
 *   <li>{@code swim-collapsed:dev_var=0.1,write_var=0.03} — the same, one Gaussian per weight;
 *   <li>{@code lognormal:bits=4,var_scale=1[,verified_sigma=0.05]} — spec B.2;
 *   <li>{@code rram:bits=4,var_scale=1} — spec B.1 then B.2: quantized to b bits, then log-normal
 *       variation ({@link RramNoise});
 *   <li>{@code crossbar:bits=8,slice=1,sign=differential,exact=false,dev_var=0.1,write_var=0.03,
 *       stuck_low=0.001,stuck_high=0.001,read=0.01} — any mapping with Gaussian programming noise,
 *       stuck devices and read noise (every key optional; defaults are SWIM's mapping and zero noise).
 * </ul>
 */
public final class NoiseModels {
    private NoiseModels() {
    }

    /** The model {@code spec} names; unknown kinds, unknown keys and bad values are rejected. */
    public static NoiseModel parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty noise model specification");
        }
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> args = arguments(spec, colon < 0 ? "" : spec.substring(colon + 1));
        switch (kind) {
            case "swim", "swim-collapsed" -> {
                allow(spec, args, Set.of("dev_var", "write_var"));
                double devVar = number(args, "dev_var", 0.3);
                double writeVar = number(args, "write_var", 0.03);
                return kind.equals("swim") ? SwimNoise.of(devVar, writeVar) : SwimNoise.collapsed(devVar, writeVar);
            }
            case "lognormal" -> {
                allow(spec, args, Set.of("bits", "var_scale", "verified_sigma"));
                if (!args.containsKey("bits")) {
                    throw new IllegalArgumentException("lognormal needs bits=1|2|3|4|8 in '" + spec + "'");
                }
                int bits = integer(args, "bits", 0);
                double varScale = number(args, "var_scale", 1);
                return args.containsKey("verified_sigma")
                        ? new LogNormalNoise(bits, varScale, number(args, "verified_sigma", 0))
                        : new LogNormalNoise(bits, varScale);
            }
            case "rram" -> {
                allow(spec, args, Set.of("bits", "var_scale"));
                if (!args.containsKey("bits")) {
                    throw new IllegalArgumentException("rram needs bits=1|2|3|4|8 in '" + spec + "'");
                }
                return new RramNoise(integer(args, "bits", 0), number(args, "var_scale", 1));
            }
            case "crossbar" -> {
                allow(spec, args, Set.of("bits", "slice", "sign", "exact", "dev_var", "write_var", "stuck_low",
                        "stuck_high", "read"));
                CrossbarMapping mapping = new CrossbarMapping(integer(args, "bits", 8), integer(args, "slice", 1),
                        scheme(args.getOrDefault("sign", "sign_magnitude")), bool(args, "exact", true));
                List<DeviceModel> models = new ArrayList<>();
                double devVar = number(args, "dev_var", 0);
                double writeVar = number(args, "write_var", 0);
                if (devVar != 0 || writeVar != 0) {
                    models.add(new GaussianDevice(devVar, writeVar));
                }
                double low = number(args, "stuck_low", 0);
                double high = number(args, "stuck_high", 0);
                if (low != 0 || high != 0) {
                    models.add(new StuckDevices(low, high));
                }
                double read = number(args, "read", 0);
                if (read != 0) {
                    models.add(new ReadNoise(read));
                }
                return new CrossbarNoise(mapping, models);
            }
            default -> throw new IllegalArgumentException(
                    "unknown noise model '" + kind + "' (swim, swim-collapsed, lognormal, rram, crossbar)");
        }
    }

    private static Map<String, String> arguments(String spec, String text) {
        Map<String, String> args = new HashMap<>();
        if (text.isBlank()) {
            return args;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + part + "' in '" + spec + "'");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (args.put(key, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("key " + key + " given twice in '" + spec + "'");
            }
        }
        return args;
    }

    private static void allow(String spec, Map<String, String> args, Set<String> keys) {
        for (String key : args.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown key " + key + " in '" + spec + "' (allowed: "
                        + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static double number(Map<String, String> args, String key, double fallback) {
        String v = args.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    private static int integer(Map<String, String> args, String key, int fallback) {
        String v = args.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> args, String key, boolean fallback) {
        String v = args.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }

    private static CrossbarMapping.SignScheme scheme(String v) {
        try {
            return CrossbarMapping.SignScheme.valueOf(v.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sign must be sign_magnitude, differential or offset, got '" + v + "'");
        }
    }
}
