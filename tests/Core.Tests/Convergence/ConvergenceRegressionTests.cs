namespace SfSync.Tests.Convergence;

/// <summary>
/// Seeds that reproduced each finding class on the engine of issue 10 (see FINDINGS.md), so a regression is caught by
/// name. Each row must come out without its class. A seed pins an interleaving of this engine: when the engine changes
/// the number or order of its port calls the same seed plays out differently, so the randomized suite stays the real
/// guard and these rows are its named witnesses (refresh them from a soak run when they stop reproducing anything).
/// </summary>
public class ConvergenceRegressionTests
{
    public static TheoryData<string, int> Seeds => new()
    {
        { nameof(FindingKind.IdleRunWrites), 1 }, // issue 12: an idle run rewrites the cursor (feed positions compared by reference)
        { nameof(FindingKind.IdleRunWrites), 2 },
        { nameof(FindingKind.StuckPaused), 7 }, // issue 5: the API-usage pause never lifts
        { nameof(FindingKind.StuckPaused), 10 },
        { nameof(FindingKind.DuplicateRecord), 3 }, // issue 1: a create applied but not linked comes back through the feed
        { nameof(FindingKind.DuplicateRecord), 6 },
        { nameof(FindingKind.FailureNotRetried), 61 }, // issue 10: a parent mapped through a stale link, rejected, never retried
        { nameof(FindingKind.FailureNotRetried), 125 },
        { nameof(FindingKind.SkippedChange), 301 }, // issue 6.1: a withdrawn plan counted done, its position committed (no faults)
        { nameof(FindingKind.SkippedChange), 184 }, // issue 8: a save in the second of the version before it
        { nameof(FindingKind.SkippedChange), 120 }, // issue 6: an app edit inside the read→write window dropped as an echo
        { nameof(FindingKind.LostEdit), 52 }, // issue 3: a retried create links without a base
        { nameof(FindingKind.LostEdit), 454 },
        { nameof(FindingKind.ParentMismatch), 88 }, // issue 7: the company-name guess sticks after the customer links
        { nameof(FindingKind.ParentMismatch), 124 },
        { nameof(FindingKind.NotLinked), 344 },
        { nameof(FindingKind.NotLinked), 865 },
        { nameof(FindingKind.Resurrected), 52 }, // issue 4 (app side): a retried create re-creates what a person deleted
        { nameof(FindingKind.Resurrected), 65 },
        { nameof(FindingKind.NotRecreated), 151 }, // issue 9: the Salesforce edit arrived before the app deletion was processed
        { nameof(FindingKind.NotRecreated), 271 },
        { nameof(FindingKind.LostMove), 259 }, // issue 7: a person's move undone
        { nameof(FindingKind.LostMove), 345 },
        { nameof(FindingKind.DeletionNotPropagated), 65 },
        { nameof(FindingKind.DeletionNotPropagated), 744 },
        { nameof(FindingKind.PairNotEqual), 344 },
        { nameof(FindingKind.PairNotEqual), 505 },
        { nameof(FindingKind.ForeignSalesforceId), 547 }, // issues 2 and 11: two app records stamped with one Salesforce id
        { nameof(FindingKind.ForeignSalesforceId), 934 },
        { nameof(FindingKind.NoOutcome), 547 }, // issue 11: one of them dropped from the batch without an outcome
        { nameof(FindingKind.NoOutcome), 934 },
        { nameof(FindingKind.WrongDeletion), 2421 }, // issue 11: a contact moved to a customer and deleted with it
        { nameof(FindingKind.WrongDeletion), 2673 },
        { nameof(FindingKind.SkippedChange), 4494 }, // a contact matched by e-mail and moved to a customer between the batch's reads
        { nameof(FindingKind.Resurrected), 5448 }, // External ID: the record a lost create made copied back after its source's deletion
        { nameof(FindingKind.NotRecreated), 9886 }, // a re-create that died before the app write took the deleted customer for its own
        { nameof(FindingKind.DuplicateRecord), 6762 }, // accepted by the oracle (no External ID, every identifying value changed, two pending creates)
        { nameof(FindingKind.DeletionNotPropagated), 16751 }, // a contact taken off its customer, then deleted: its old customer's rule applied (no faults)
        { nameof(FindingKind.SkippedChange), 15681 }, // an account pair claimed by a round that died: its retry sent no contacts after it
        { nameof(FindingKind.DuplicateRecord), 15852 }, // harness: a round stalled 35 min past its lease; the host kills it after functionTimeout
        { nameof(FindingKind.WrongLink), 43037 }, // External ID: a refused contact's retry took, by name, the record made for another app contact
        { nameof(FindingKind.DuplicateRecord), 68792 }, // accepted by the oracle: two lost creates of one request both made unfindable
        { nameof(FindingKind.LostMove), 25625 }, // a contact taken off its customer while Salesforce held our company-name guess (no faults)
        { nameof(FindingKind.LostEdit), 23634 }, // a second dead round replaced the first one's intent: its write taken for a person's
        { nameof(FindingKind.Resurrected), 17844 }, // a never-synced pair's partial base: missing fields taken for Salesforce changes
        { nameof(FindingKind.WrongDeletion), 18858 }, // a blank e-mail "identified" another create's record, deleted with its source
        { nameof(FindingKind.NotRecreated), 34396 }, // harness: a full re-sync counted from a redelivery that never applied
        { nameof(FindingKind.DeadLettered), 72732 }, // harness: the dead-lettered batch belonged to a plan withdrawn after a lost cursor race
        { nameof(FindingKind.Resurrected), 82592 }, // a round copied Salesforce's values into the app and died before the base; the customer then deleted
        { nameof(FindingKind.DeletionNotPropagated), 45328 }, // accepted by the oracle: of an unrecognisable lost create's two pairs, a person deleted one
        { nameof(FindingKind.NotRecreated), 20187 }, // oracle: a contact copied anew after a deletion before it was ever synced, then deleted with its customer
        { nameof(FindingKind.DuplicateRecord), 96922 }, // of three lost creates one record renamed, one deleted: the deleted one accounts for its create
        { nameof(FindingKind.DuplicateRecord), 28666 },
        { nameof(FindingKind.LostEdit), 135935 }, // oracle: a value copied to Salesforce from an app read of a record deleted before the write
        { nameof(FindingKind.LostEdit), 167569 }, // a matched pair's round refused by a row lock forgot the dead round's intent
        { nameof(FindingKind.IdleRunWrites), 182449 }, // a killed loser's plan numbered past the cursor, committed later, moved the committed cursor back
        { nameof(FindingKind.LostEdit), 16625 }, // oracle: a Salesforce create copied an app record a person deleted after the actor read it (no faults)
        { nameof(FindingKind.NotRecreated), 22593 }, // fate model: a customer's re-creation died after its app write; the retry left its contacts deleted
        { nameof(FindingKind.WrongDeletion), 139133 }, // the first cut of 109545's fix left a raced round's marker: the next round took another contact's record
        { nameof(FindingKind.DuplicateRecord), 109545 }, // a stale read of a customer deleted meanwhile, its pair re-created under a new one: a second account (no faults)
        { nameof(FindingKind.DuplicateRecord), 5235 }, // a lost create renamed; another customer's marker, written after that record was made, blocked elimination
        { nameof(FindingKind.DuplicateRecord), 129358 },
        { nameof(FindingKind.SkippedChange), 101843 }, // the batch that linked a customer died filing its contacts' follow-ups; the redelivery saw the pair linked
        { nameof(FindingKind.LostEdit), 248109 }, // oracle: a value copied to Salesforce from an app read, replaced and then cleared by a person before the write
        { nameof(FindingKind.NotQuiescent), 374757 }, // contacts waited, chain after chain, for an account whose customer was deleted in the app
        { nameof(FindingKind.WrongDeletion), 219266 }, // a lost create another round was deleting (its app contact deleted) copied into the app from a stale read
        { nameof(FindingKind.NotRecreated), 239638 }, // a matched pair without a base (its first app write's answer lost): deleted, its account edited, not re-created
        { nameof(FindingKind.NotRecreated), 240937 }, // oracle: the account's only edit after the deletion was undone (set, then cleared) before any sync read it
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_seed_that_once_found_a_class_finds_it_no_more(string finding, int seed)
    {
        var kind = Enum.Parse<FindingKind>(finding);

        var result = ScenarioRunner.Run(ScenarioSpec.Generate(seed), traceLines: 60);

        Assert.False(result.Kinds.Contains(kind), ConvergenceSuite.Describe(result, 60, $"CONVERGENCE_ONLY_SEED={seed}", kind));
    }
}
