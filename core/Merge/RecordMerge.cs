using SfSync.Mapping;

namespace SfSync.Merge;

/// <summary>What merging one record decided: the writes for each side and the new base.</summary>
/// <param name="SalesforceWrites">Salesforce field → value; empty when Salesforce needs no write.</param>
/// <param name="AppWrites">App field → value; empty when the app needs no write.</param>
/// <param name="NewBase">App field → agreed value, to be stored once both writes succeeded.</param>
internal sealed record RecordMerge(
    IReadOnlyDictionary<string, string?> SalesforceWrites,
    IReadOnlyDictionary<string, string?> AppWrites,
    IReadOnlyDictionary<string, string?> NewBase,
    IReadOnlyList<FieldConflict> Conflicts,
    int BlanksFilled)
{
    /// <summary>Merges every mapped field of one record.</summary>
    /// <param name="baseValues">The last-synced values by app field, or null when the record was never synced.</param>
    public static RecordMerge Of(
        EntityMap map,
        IReadOnlyDictionary<string, string?> salesforceFields,
        IReadOnlyDictionary<string, string?> appFields,
        IReadOnlyDictionary<string, string?>? baseValues)
    {
        var salesforceWrites = new Dictionary<string, string?>(StringComparer.Ordinal);
        var appWrites = new Dictionary<string, string?>(StringComparer.Ordinal);
        var newBase = new Dictionary<string, string?>(StringComparer.Ordinal);
        var conflicts = new List<FieldConflict>();
        var blanksFilled = 0;

        foreach (var field in map.Fields)
        {
            var s = field.ReadSalesforce(salesforceFields);
            var a = appFields.TryGetValue(field.AppField, out var appValue) ? appValue : null;
            string? b = null;
            var hasBase = baseValues is not null && baseValues.TryGetValue(field.AppField, out b);

            var decision = FieldMerge.Decide(s, a, b, hasBase, field.Comparison);
            newBase[field.AppField] = decision.Value;
            if (decision.WritesSalesforce)
            {
                foreach (var (name, value) in field.WriteSalesforce(decision.Value))
                {
                    salesforceWrites[name] = value;
                }
            }

            if (decision.WritesApp)
            {
                appWrites[field.AppField] = decision.Value;
            }

            if (decision.Case == MergeCase.SalesforceWins)
            {
                conflicts.Add(new FieldConflict(field.AppField, FieldValue.Normalize(s), FieldValue.Normalize(a)));
            }

            if (decision.FillsBlank)
            {
                blanksFilled++;
            }
        }

        return new RecordMerge(salesforceWrites, appWrites, newBase, conflicts, blanksFilled);
    }

    public bool IsNoOp => SalesforceWrites.Count == 0 && AppWrites.Count == 0;
}
