using SfSync.Functions.Dashboard;
using SfSync.Linking;
using SfSync.Model;

namespace SfSync.Tests.Dashboard;

/// <summary>The History page's open-duplicates section and scope count, rendered from its model (the browser test covers the rest).</summary>
public sealed class DashboardPageTests
{
    private static DashboardModel Model() => new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"), [], null, [], null, 0.8, null, "not read", null, null, null);

    [Fact]
    public void Open_duplicates_are_listed_with_the_synced_contact_and_the_others_and_none_says_so()
    {
        var since = DateTimeOffset.Parse("2026-12-01T09:30:00Z");
        var page = DashboardPage.Render(Model() with { Duplicates = [new OpenDuplicate(EntityKind.Contact, "j***@example.com", "003000000000001AAA", ["003000000000002AAA", "003000000000003AAA"], since)] });
        var none = DashboardPage.Render(Model() with { Duplicates = [] });
        var unreadable = DashboardPage.Render(Model() with { DuplicatesProblem = "Table Storage is unavailable" });

        Assert.Contains("data-count=\"1\"", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">j***@example.com</th><td><code>003000000000001AAA</code></td><td><code>003000000000002AAA</code>, <code>003000000000003AAA</code></td><td>2026-12-01 09:30:00</td>", page, StringComparison.Ordinal);
        Assert.Contains("data-count=\"0\"", none, StringComparison.Ordinal);
        Assert.DoesNotContain("duplicate-grid", none, StringComparison.Ordinal);
        Assert.Contains("The duplicates could not be read: Table Storage is unavailable", unreadable, StringComparison.Ordinal);
    }

    [Fact]
    public void A_runs_records_skipped_as_out_of_scope_are_counted_in_their_own_column()
    {
        var at = DateTimeOffset.Parse("2026-12-01T09:00:00Z");
        var totals = SfSync.Reconciling.BatchSummary.Empty with { OutOfScope = 7 };
        var run = new SfSync.Runs.SyncRun("run-1", SfSync.Runs.RunTrigger.Timer, at, at.AddSeconds(5), SfSync.Runs.RunStatus.Succeeded, 1, 1, totals, null);

        var page = DashboardPage.Render(Model() with { Runs = [run] });

        Assert.Contains("<th scope=\"col\" class=\"n\">Out of scope</th>", page, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\" data-out-of-scope>7</td>", page, StringComparison.Ordinal);
    }
}
