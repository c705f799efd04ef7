using SfSync.Model;

namespace SfSync.Tests.Convergence;

/// <summary>The oracle itself: its field rule written as the brief's cases, and planted defects it must name.</summary>
public class OracleTests
{
    private const string Missing = "-";

    /// <summary>
    /// One row per rule of the brief. Start: the values when the record was born ("-": no record on that side yet).
    /// Events: "S:v" / "A:v" a person's write ("S!v" a Salesforce write inside an engine's read→write window), "" blank.
    /// </summary>
    [Theory]
    [InlineData("x", Missing, "A:a", "a")] // only the app was written: its last write survives
    [InlineData("x", Missing, "S:s", "s")] // only Salesforce was written
    [InlineData("x", Missing, "A:a S:s", "s")] // both written, Salesforce last: Salesforce wins
    [InlineData("x", Missing, "S:s A:a", "a s")] // both written, the app last: either (a true conflict goes to Salesforce)
    [InlineData("x", Missing, "A:", "x")] // a blank never overwrites: the app's clear is filled back
    [InlineData("x", "x", "S:", "x")] // nor Salesforce's
    [InlineData("x", Missing, "S:", "x ")] // cleared before the app had the record: it may be born blank there
    [InlineData("x", "x", "S:s S:", "s x")] // cleared where it was written: the other side keeps s if it got there, else x
    [InlineData(Missing, "a", "A:b S:", "b")] // a clear in Salesforce after the app's write: the app's value fills it
    [InlineData("s", "a", "", "s")] // a never-synced pair with no base: Salesforce wins
    [InlineData("s", "", "", "s")] // a blank is filled on first sync
    [InlineData("", "", "", "")] // both blank stay blank
    [InlineData("x", Missing, "A:a S!s", "a s")] // a Salesforce save inside the engine's write window may be lost
    public void Admissible_values_follow_the_spec(string salesforce, string app, string events, string expected)
    {
        var logical = new Logical(1, EntityKind.Account);
        logical.Start["phone_number"] = (Value(salesforce), Value(app), salesforce != Missing, app != Missing);
        var operation = 1;
        foreach (var e in events.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var side = e[0] == 'S' ? Side.Salesforce : Side.App;
            logical.Events.Add(new HumanEvent(operation++, side, "phone_number", Value(e[2..])) { Exempt = e[1] == '!' });
        }

        var admissible = Oracle.Admissible(logical, "phone_number");

        Assert.NotNull(admissible);
        Assert.Equal(expected.Split(' ').Select(Value).Order().ToArray(), admissible!.Order().ToArray());
    }

    private static string? Value(string text) => text is "" or Missing ? null : text;

    [Fact]
    public void A_value_changed_behind_the_oracle_back_is_a_pair_that_differs() =>
        AssertPlanted(FindingKind.PairNotEqual, (world, pair) => pair.App.Fields["name"] += " (changed)");

    [Fact]
    public void Both_sides_holding_a_value_nobody_wrote_is_a_lost_edit() =>
        AssertPlanted(FindingKind.LostEdit, (world, pair) =>
        {
            pair.App.Fields["name"] = "Nobody Wrote This";
            pair.Salesforce.Fields["Name"] = "Nobody Wrote This";
        });

    [Fact]
    public void Both_sides_blank_where_a_value_was_written_is_a_blank_that_overwrote() =>
        AssertPlanted(FindingKind.BlankOverwrote, (world, pair) =>
        {
            pair.App.Fields["name"] = " ";
            pair.Salesforce.Fields["Name"] = null;
        });

    [Fact]
    public void A_second_app_record_of_one_account_is_a_duplicate() =>
        AssertPlanted(FindingKind.DuplicateRecord, (world, pair) => world.App.PersonCreate(pair.Logical, pair.App.Fields, null, syncDisabled: false));

    [Fact]
    public void A_link_that_vanished_is_a_pair_not_linked() =>
        AssertPlanted(FindingKind.NotLinked, (world, pair) => world.State.DropLink(world.State.Links.First(l => l.SalesforceId == pair.Salesforce.Id)));

    [Fact]
    public void An_app_record_carrying_another_account_id_is_foreign() =>
        AssertPlanted(FindingKind.ForeignSalesforceId, (world, pair) =>
            pair.App.SalesforceId = world.Salesforce.Live(EntityKind.Account).First(r => r.Logical != pair.Logical).Id);

    [Fact]
    public void A_record_deleted_behind_the_oracle_back_is_missing() =>
        AssertPlanted(FindingKind.NotCopied, (world, pair) => world.App.DeleteRow(pair.App));

    private sealed record Pair(Logical Logical, SimSalesforce.Row Salesforce, SimApp.Row App);

    /// <summary>Runs seeds until one has a synced account pair, plants the defect after quiescence and expects its class.</summary>
    private static void AssertPlanted(FindingKind expected, Action<SimWorld, Pair> plant)
    {
        for (var seed = 1; seed < 50; seed++)
        {
            var planted = false;
            var result = ScenarioRunner.Run(ScenarioSpec.Generate(seed) with { Off = FaultKinds.All }, traceLines: 0, tamper: world =>
            {
                var pair = world.Logicals
                    .Where(l => l.Entity == EntityKind.Account && !l.Disabled && l.Group is null && l.Deletions.Count == 0 && world.Salesforce.Live(EntityKind.Account).Count() > 1)
                    .Select(l => (l, sf: world.Salesforce.Live(EntityKind.Account).Where(r => r.Logical == l).ToList(), app: world.App.Live(EntityKind.Account).Where(r => r.Logical == l).ToList()))
                    .Where(p => p.sf.Count == 1 && p.app.Count == 1 && p.app[0].SalesforceId == p.sf[0].Id)
                    .Select(p => new Pair(p.l, p.sf[0], p.app[0]))
                    .FirstOrDefault();
                if (pair is not null)
                {
                    plant(world, pair);
                    planted = true;
                }
            });
            if (planted)
            {
                Assert.Contains(expected, result.Kinds);
                return;
            }
        }

        Assert.Fail("No seed had a synced account pair to plant the defect in.");
    }
}
