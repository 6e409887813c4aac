package dev.reliant.fault;

import dev.reliant.graph.Executor;

/**
 * How a campaign runs: the fault model and its width in bits, the stored number format, the
 * executor options (the same for the golden, fast and naive passes), the path (fast or naive),
 * and the work split (images per chunk, faults per block; 0 = automatic). Only the first four
 * change results.
 *
 * @param faultModel bit flip, stuck-at-0 or stuck-at-1
 * @param bitsPerFault adjacent bits a fault covers from its bit (1 = single-bit)
 * @param format the format the faultable weights are stored in
 * @param options executor options ({@link Executor.Options#exact()} or with batch norms folded)
 * @param naive run the whole network per fault, as the reference injector does
 * @param chunkImages images per chunk, 0 for {@link CampaignEngine}'s choice
 * @param blockFaults faults per block, 0 for {@link CampaignEngine}'s choice
 */
public record CampaignSettings(FaultModel faultModel, int bitsPerFault, CampaignFormat format, Executor.Options options,
                               boolean naive, int chunkImages, int blockFaults) {

    public CampaignSettings {
        if (bitsPerFault < 1) {
            throw new IllegalArgumentException("bits per fault must be at least 1, got " + bitsPerFault);
        }
        if (bitsPerFault > format.bits()) {
            throw new IllegalArgumentException("bits per fault " + bitsPerFault + " exceeds the " + format.bits()
                    + " bits of " + format.label());
        }
        if (chunkImages < 0 || blockFaults < 0) {
            throw new IllegalArgumentException("chunk and block sizes must be >= 0 (0 = automatic), got "
                    + chunkImages + " and " + blockFaults);
        }
    }

    /** Single bit flips in fp32 weights, exact arithmetic, fast path, automatic sizes. */
    public static CampaignSettings defaults() {
        return new CampaignSettings(FaultModel.BIT_FLIP, 1, CampaignFormat.fp32(), Executor.Options.exact(), false, 0, 0);
    }

    public CampaignSettings withFaultModel(FaultModel m) {
        return new CampaignSettings(m, bitsPerFault, format, options, naive, chunkImages, blockFaults);
    }

    public CampaignSettings withBitsPerFault(int k) {
        return new CampaignSettings(faultModel, k, format, options, naive, chunkImages, blockFaults);
    }

    public CampaignSettings withFormat(CampaignFormat f) {
        return new CampaignSettings(faultModel, bitsPerFault, f, options, naive, chunkImages, blockFaults);
    }

    public CampaignSettings withOptions(Executor.Options o) {
        return new CampaignSettings(faultModel, bitsPerFault, format, o, naive, chunkImages, blockFaults);
    }

    public CampaignSettings withNaive(boolean on) {
        return new CampaignSettings(faultModel, bitsPerFault, format, options, on, chunkImages, blockFaults);
    }

    public CampaignSettings withChunkImages(int images) {
        return new CampaignSettings(faultModel, bitsPerFault, format, options, naive, images, blockFaults);
    }

    public CampaignSettings withBlockFaults(int faults) {
        return new CampaignSettings(faultModel, bitsPerFault, format, options, naive, chunkImages, faults);
    }

    /** The fault model as written in result files: {@code bitflip}, or {@code bitflip*2} for 2-bit faults. */
    public String faultModelLabel() {
        return faultModel.label() + (bitsPerFault == 1 ? "" : "*" + bitsPerFault);
    }
}
