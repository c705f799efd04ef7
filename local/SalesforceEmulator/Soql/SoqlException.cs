namespace SfSync.SalesforceEmulator.Soql;

/// <summary>A query Salesforce would refuse, with Salesforce's error code (MALFORMED_QUERY or INVALID_FIELD).</summary>
internal sealed class SoqlException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;

    public static SoqlException Malformed(string message) => new("MALFORMED_QUERY", message);
}
