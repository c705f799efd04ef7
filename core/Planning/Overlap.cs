using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SfSync.Mapping;
using SfSync.Salesforce;
using SfSync.State;

namespace SfSync.Planning;

/// <summary>What the planner does with one row of the Salesforce change feed, given what it remembers of that record
/// from the lookback overlap. Only <see cref="AlreadyPlanned"/> drops the row.</summary>
public enum OverlapCase
{
    /// <summary>Nothing remembered for the id: a change the planner has not seen (or one older than the window). Plan it.</summary>
    NotSeen,

    /// <summary>The row carries a later stamp than the remembered version: the record changed again. Plan it.</summary>
    NewerStamp,

    /// <summary>Same stamp, different fingerprint (or no fingerprint to compare): a newer version written within the same
    /// second as the one planned — Salesforce stamps to the second. Plan it.</summary>
    SameStampNewVersion,

    /// <summary>Same stamp and same fingerprint: exactly the version an earlier run planned (or dropped as an echo),
    /// read again through the lookback overlap. Drop it.</summary>
    AlreadyPlanned,

    /// <summary>The row's stamp is earlier than the remembered one (a stamp that went back, e.g. a clock correction):
    /// nothing says it was handled, so plan it; it is remembered as read, so the next run drops it.</summary>
    OlderStamp,
}

/// <summary>The overlap de-duplication of the Salesforce feed (docs/engine.md, Planning): a pure decision per row.</summary>
internal static class Overlap
{
    public static OverlapCase Decide(SeenVersion? remembered, SeenVersion read)
    {
        if (remembered is not { } seen)
        {
            return OverlapCase.NotSeen;
        }

        if (read.SystemModstamp > seen.SystemModstamp)
        {
            return OverlapCase.NewerStamp;
        }

        if (read.SystemModstamp < seen.SystemModstamp)
        {
            return OverlapCase.OlderStamp;
        }

        return read.Fingerprint != SeenVersion.UnknownFingerprint && read.Fingerprint == seen.Fingerprint
            ? OverlapCase.AlreadyPlanned
            : OverlapCase.SameStampNewVersion;
    }

    public static bool Skips(this OverlapCase overlapCase) => overlapCase == OverlapCase.AlreadyPlanned;

    /// <summary>The version a feed row shows: its stamp and a fingerprint of what we sync of it.</summary>
    public static SeenVersion VersionOf(EntityMap map, SalesforceChange change) => new(change.SystemModstamp, Fingerprint(map, change));

    /// <summary>
    /// 64 bits of SHA-256 over the deletion flag, the parent (AccountId) and the mapped Salesforce fields as the change
    /// feed returned them (raw, untrimmed: any difference counts). Stable across processes and releases — it is
    /// stored — so no <c>string.GetHashCode</c>. A row read without its fields has no fingerprint and so never
    /// matches: the adapter must select the mapped fields for the overlap to settle (both adapters do).
    /// </summary>
    public static ulong Fingerprint(EntityMap map, SalesforceChange change)
    {
        if (change.Fields is not { } fields)
        {
            return SeenVersion.UnknownFingerprint;
        }

        var text = new StringBuilder();
        text.Append(change.IsDeleted ? 'D' : 'L').Append('\u001f').Append(change.ParentId?.Value).Append('\u001e');
        foreach (var name in map.SalesforceFields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            text.Append(name).Append('\u001f');
            if (fields.TryGetValue(name, out var value) && value is not null)
            {
                text.Append('=').Append(value);
            }
            else
            {
                text.Append('\u0000'); // null and absent alike: the feed selected the field, Salesforce has no value
            }

            text.Append('\u001e');
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        var fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        return fingerprint == SeenVersion.UnknownFingerprint ? 1 : fingerprint;
    }
}
