using System.Text.Json.Nodes;
using SfSync.Tests.Infrastructure;

namespace SfSync.Tests.SalesforceEmulator;

/// <summary>
/// jsforce, the most used JavaScript Salesforce library, pointed unchanged at the emulator: OAuth password login,
/// single and collection creates with a per-record error, update, retrieve, query, autoFetch over nextRecordsUrl,
/// delete, queryAll of the recycle bin, limits and INVALID_FIELD. It is pinned in local/clients and installed by npm.
/// </summary>
[Collection(SalesforceEmulatorCollection.Name)]
public sealed class WellKnownClientTests(SalesforceEmulatorFixture emulator)
{
    [Fact]
    public async Task jsforce_works_unchanged_against_the_emulator()
    {
        var dir = Path.Combine(RepoPaths.Root, "local", "clients");
        await SfSync.FunctionsHost.NpmInstall.EnsureAsync(dir);
        using var check = ChildProcess.Start("node",
        [
            "jsforce-check.mjs",
            emulator.BaseUrl.ToString().TrimEnd('/'),
            SalesforceEmulatorFixture.ClientId,
            SalesforceEmulatorFixture.ClientSecret,
            SalesforceEmulatorFixture.Username,
            SalesforceEmulatorFixture.Password + SalesforceEmulatorFixture.SecurityToken,
        ], dir);
        var exit = await check.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, check.Output);

        var results = JsonNode.Parse(check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{')))!;
        Assert.Equal(emulator.BaseUrl.ToString().TrimEnd('/'), results["login"]!["instanceUrl"]!.GetValue<string>());
        Assert.True(results["create"]!.GetValue<bool>());
        Assert.Equal([true, false], results["collectionCreate"]!.AsArray().Select(r => r!.GetValue<bool>()));
        Assert.Equal("REQUIRED_FIELD_MISSING", results["collectionError"]!.GetValue<string>());
        Assert.Equal("555-0101", results["retrieve"]!.GetValue<string>());
        Assert.Equal(1, results["query"]!.GetValue<int>());
        Assert.Equal(2200, results["autoFetch"]!.GetValue<int>());
        Assert.True(results["queryAllDeleted"]!.GetValue<bool>());
        Assert.Equal(1_000_000, results["limits"]!.GetValue<long>());
        Assert.Equal("INVALID_FIELD", results["invalidField"]!.GetValue<string>());
    }
}
