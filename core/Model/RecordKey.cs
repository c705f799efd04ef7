namespace SfSync.Model;

/// <summary>
/// What a batch carries for one record: the id(s) we know of it. A key from a change feed names one side;
/// the reconciler completes the other from the link.
/// </summary>
internal readonly record struct RecordKey
{
    public RecordKey(SalesforceId? salesforceId, AppId? appId)
    {
        if (salesforceId is null && appId is null)
        {
            throw new ArgumentException("A record key needs a Salesforce id, an app id or both.");
        }

        SalesforceId = salesforceId;
        AppId = appId;
    }

    public SalesforceId? SalesforceId { get; }

    public AppId? AppId { get; }

    public static RecordKey ForSalesforce(SalesforceId id) => new(id, null);

    public static RecordKey ForApp(AppId id) => new(null, id);

    public override string ToString() => $"sf:{SalesforceId?.Value ?? "-"}/app:{AppId?.Value ?? "-"}";
}
