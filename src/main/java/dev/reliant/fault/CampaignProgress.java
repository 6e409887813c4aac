package dev.reliant.fault;

/**
 * Receives a campaign's progress. Called from the worker threads (implementations synchronize
 * and decide how often to show it); evaluations are (fault, image) pairs.
 */
@FunctionalInterface
public interface CampaignProgress {
    /** Reports nothing. */
    CampaignProgress NONE = (faultsDone, faultsTotal, evaluationsDone, evaluationsTotal) -> { };

    void update(int faultsDone, int faultsTotal, long evaluationsDone, long evaluationsTotal);
}
