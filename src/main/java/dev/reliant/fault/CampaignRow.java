package dev.reliant.fault;

/** The result of one fault of a campaign: the resolved fault and its image counts over the campaign's images. */
public record CampaignRow(CampaignFault fault, OutcomeCounts counts) {

    /** The fault's position in the list. */
    public int position() {
        return fault.position();
    }
}
