namespace SfSync.Mapping;

/// <summary>How two values of a field are compared once trimmed.</summary>
internal enum FieldComparison
{
    /// <summary>Exact, case-sensitive: "ACME" and "Acme" differ, so a case fix propagates.</summary>
    Text,

    /// <summary>Case-insensitive: e-mail addresses that differ only in case are the same address.</summary>
    Email,
}
