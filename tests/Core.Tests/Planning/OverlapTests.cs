using SfSync.Mapping;
using SfSync.Model;
using SfSync.Planning;
using SfSync.Salesforce;
using SfSync.State;
using SfSync.Tests.Fakes;

namespace SfSync.Tests.Planning;

public class OverlapTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly SalesforceId Account = SalesforceId.Parse("001000000000001");
    private static readonly SalesforceId Contact = SalesforceId.Parse("003000000000001");
    private static readonly EntityMap Accounts = SyncMap.Default.For(EntityKind.Account);
    private static readonly EntityMap Contacts = SyncMap.Default.For(EntityKind.Contact);

    /// <summary>Exactly one row per case of <see cref="OverlapCase"/>: (remembered stamp, fingerprint) → (read stamp, fingerprint).</summary>
    public static TheoryData<OverlapCase, int?, ulong, int, ulong> Cases => new()
    {
        // case                              remembered s  fp   read s  fp
        { OverlapCase.NotSeen,               null,         0,   10,     7 },
        { OverlapCase.NewerStamp,            10,           7,   11,     7 },
        { OverlapCase.SameStampNewVersion,   10,           7,   10,     8 },
        { OverlapCase.AlreadyPlanned,        10,           7,   10,     7 },
        { OverlapCase.OlderStamp,            10,           7,   9,      7 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_overlap_case_decides_as_documented(OverlapCase expected, int? rememberedSecond, ulong rememberedFingerprint, int readSecond, ulong readFingerprint)
    {
        SeenVersion? remembered = rememberedSecond is { } s ? new SeenVersion(T0.AddSeconds(s), rememberedFingerprint) : null;

        var decided = Overlap.Decide(remembered, new SeenVersion(T0.AddSeconds(readSecond), readFingerprint));

        Assert.Equal(expected, decided);
        Assert.Equal(expected == OverlapCase.AlreadyPlanned, decided.Skips());
    }

    [Fact]
    public void Every_overlap_case_has_a_row_in_the_table() =>
        Assert.Equal(Enum.GetValues<OverlapCase>().Order(), Cases.Select(row => (OverlapCase)row[0]).Order());

    [Fact]
    public void A_version_without_a_fingerprint_is_never_taken_for_one_already_planned()
    {
        var unknown = new SeenVersion(T0, SeenVersion.UnknownFingerprint);

        Assert.Equal(OverlapCase.SameStampNewVersion, Overlap.Decide(unknown, unknown));
        Assert.Equal(OverlapCase.SameStampNewVersion, Overlap.Decide(unknown, new SeenVersion(T0, 42)));
    }

    [Fact]
    public void The_fingerprint_changes_with_every_mapped_field_the_parent_and_the_deletion_flag()
    {
        var contact = new SalesforceChange(Contact, T0, false, Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com")), Account);
        var print = Overlap.Fingerprint(Contacts, contact);

        Assert.Equal(print, Overlap.Fingerprint(Contacts, contact with { Fields = new Dictionary<string, string?>(contact.Fields!) }));
        Assert.NotEqual(print, Overlap.Fingerprint(Contacts, contact with { Fields = Fields.Of(("FirstName", "Wile E."), ("LastName", "Coyote"), ("Email", "wile@acme.com")) }));
        Assert.NotEqual(print, Overlap.Fingerprint(Contacts, contact with { Fields = Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "wile@acme.com ")) }));
        Assert.NotEqual(print, Overlap.Fingerprint(Contacts, contact with { ParentId = null }));
        Assert.NotEqual(print, Overlap.Fingerprint(Contacts, contact with { IsDeleted = true }));
        Assert.NotEqual(
            Overlap.Fingerprint(Contacts, contact with { Fields = Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", "")) }),
            Overlap.Fingerprint(Contacts, contact with { Fields = Fields.Of(("FirstName", "Wile"), ("LastName", "Coyote"), ("Email", null)) }));
    }

    [Fact]
    public void Fields_we_do_not_map_and_the_stamp_are_not_part_of_the_fingerprint()
    {
        var account = new SalesforceChange(Account, T0, false, Fields.Of(("Name", "Acme"), ("Phone", "1")));

        Assert.Equal(Overlap.Fingerprint(Accounts, account), Overlap.Fingerprint(Accounts, account with { Fields = Fields.Of(("Name", "Acme"), ("Phone", "1"), ("Rating", "Hot")) }));
        Assert.Equal(Overlap.Fingerprint(Accounts, account), Overlap.Fingerprint(Accounts, account with { SystemModstamp = T0.AddSeconds(1) }));
    }

    [Fact]
    public void A_change_read_without_its_fields_has_no_fingerprint() =>
        Assert.Equal(SeenVersion.UnknownFingerprint, Overlap.Fingerprint(Accounts, new SalesforceChange(Account, T0, false)));

    [Fact]
    public void The_fingerprint_is_stable_across_processes_because_it_is_stored()
    {
        // SHA-256, not string.GetHashCode (randomized per process): a changed algorithm would re-plan every lookback window once.
        var account = new SalesforceChange(Account, T0, false, Fields.Of(("Name", "Acme")));

        Assert.Equal(Overlap.Fingerprint(Accounts, account), Overlap.Fingerprint(SyncMap.Build(new MappingOptions()).For(EntityKind.Account), account));
        Assert.Equal(10880465906577290411UL, Overlap.Fingerprint(Accounts, account)); // SHA-256 of the documented text, checked by hand
    }
}
