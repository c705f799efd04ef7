using SfSync.App;
using SfSync.Model;
using SfSync.Salesforce;

namespace SfSync.Reconciling;

/// <summary>What the writer actually did for one decision.</summary>
/// <param name="Raced">Another writer got there first — a refused claim, a lost link race, or an app record that changed
/// after it was read — so the record is read again; whatever was written is safe to write again.</param>
/// <param name="Salesforce">The Salesforce write's result; null when none was attempted.</param>
/// <param name="App">The app write's result; null when none was attempted.</param>
internal sealed record RecordReport(bool Raced, WriteResult? Salesforce, AppWriteResult? App, SalesforceId? CreatedSalesforceId, AppId? CreatedAppId)
{
    public static RecordReport Refused { get; } = new(true, null, null, null, null);

    public bool SalesforceFailed => Salesforce is { Success: false };

    public bool AppFailed => App is { Success: false };
}
