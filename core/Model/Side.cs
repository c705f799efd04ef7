namespace SfSync.Model;

/// <summary>One end of the sync.</summary>
internal enum Side
{
    Salesforce,
    App,
}
