using System.Text.Json;
using System.Text.Json.Serialization;
using SfSync.Model;
using SfSync.Reconciling;

namespace SfSync.Planning;

/// <summary>
/// The JSON body of a <c>sync-batches</c> message. Parsing never throws: a message that does not parse is
/// answered with the reason, recorded and completed (redelivery could not fix it).
/// </summary>
internal static class SyncBatchMessage
{
    /// <summary>The current shape; a consumer refuses versions it does not know instead of guessing.</summary>
    public const int Version = 1;

    /// <summary>Service Bus Standard caps a message at 256 KB; 200 keys take about 20 KB, so this guards against a bad producer.</summary>
    public const int MaxBytes = 256 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static string Serialize(SyncBatch batch) => JsonSerializer.Serialize(
        new Body(
            Version,
            batch.BatchId,
            batch.PlanId,
            batch.RunId,
            batch.Entity.ToString(),
            batch.Keys.Select(k => new Key(k.SalesforceId?.Value, k.AppId?.Value)).ToArray(),
            batch.Full,
            batch.Attempt),
        Json);

    public static bool TryParse(string? text, out SyncBatch? batch, out string? error)
    {
        batch = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The message body is empty.";
            return false;
        }

        if (text.Length > MaxBytes)
        {
            error = $"The message body is {text.Length} characters; at most {MaxBytes} are accepted.";
            return false;
        }

        Body? body;
        try
        {
            body = JsonSerializer.Deserialize<Body>(text, Json);
        }
        catch (JsonException ex)
        {
            error = $"The message body is not valid batch JSON: {ex.Message}";
            return false;
        }

        if (body is null || body.V != Version)
        {
            error = $"The message is not a version {Version} sync batch (v = {body?.V}).";
            return false;
        }

        if (string.IsNullOrWhiteSpace(body.BatchId) || string.IsNullOrWhiteSpace(body.PlanId) || body.RunId is null)
        {
            error = "The message lacks batchId, planId or runId.";
            return false;
        }

        if (!EntityKindNames.TryParse(body.Entity, out var entity))
        {
            error = $"The message names an unknown entity '{body.Entity}'.";
            return false;
        }

        if (body.Keys is not { Length: > 0 and <= 200 })
        {
            error = $"A batch carries 1 to 200 keys; this one carries {body.Keys?.Length ?? 0}.";
            return false;
        }

        var keys = new List<RecordKey>(body.Keys.Length);
        foreach (var key in body.Keys)
        {
            SalesforceId? salesforceId = null;
            AppId? appId = null;
            if (key.Sf is not null)
            {
                if (!SalesforceId.TryParse(key.Sf, out var parsed))
                {
                    error = $"Key {keys.Count} has an invalid Salesforce id.";
                    return false;
                }

                salesforceId = parsed;
            }

            if (key.App is not null)
            {
                if (!AppId.TryParse(key.App, out var parsed))
                {
                    error = $"Key {keys.Count} has an invalid app id.";
                    return false;
                }

                appId = parsed;
            }

            if (salesforceId is null && appId is null)
            {
                error = $"Key {keys.Count} has neither a Salesforce id nor an app id.";
                return false;
            }

            keys.Add(new RecordKey(salesforceId, appId));
        }

        batch = new SyncBatch(body.BatchId, body.PlanId, body.RunId, entity, keys, body.Full, Math.Max(1, body.Attempt));
        return true;
    }

    private sealed record Body(int V, string? BatchId, string? PlanId, string? RunId, string? Entity, Key[]? Keys, bool Full, int Attempt);

    private sealed record Key(string? Sf, string? App);
}
