namespace SfSync.Model;

/// <summary>One end of the sync.</summary>
public enum Side
{
    Salesforce,
    App,
}
