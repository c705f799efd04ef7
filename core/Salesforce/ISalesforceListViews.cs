using SfSync.Model;

namespace SfSync.Salesforce;

/// <summary>The list views of an object, as the REST API's list-view describe gives them.</summary>
internal interface ISalesforceListViews
{
    /// <summary>The list view's id and the SOQL it runs (<c>query</c> of
    /// <c>GET /sobjects/{object}/listviews/{id}/describe</c>); a developer name costs one more call, the listing.</summary>
    /// <exception cref="SideUnavailableException">Salesforce did not answer, or has no such list view.</exception>
    Task<ListViewDescribe> DescribeListViewAsync(EntityKind entity, string listView, CancellationToken cancellationToken = default);
}

/// <param name="Scope">The describe's <c>scope</c> (<c>everything</c>, <c>mine</c>, <c>team</c>, …): only a list view
/// over everything is a filter of fields alone.</param>
internal sealed record ListViewDescribe(string Id, string Query, string? Scope);
