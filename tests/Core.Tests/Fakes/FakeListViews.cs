using SfSync.Model;
using SfSync.Salesforce;

namespace SfSync.Tests.Fakes;

/// <summary>List views of an in-memory org: a test sets their SOQL; every describe counts as one call.</summary>
internal sealed class FakeListViews : ISalesforceListViews
{
    private readonly Dictionary<(EntityKind, string), ListViewDescribe> _views = [];

    public int Calls { get; private set; }

    public void Set(EntityKind entity, string developerName, string query, string? scope = "everything") =>
        _views[(entity, developerName)] = new ListViewDescribe("00B000000000001AAA", query, scope);

    public Task<ListViewDescribe> DescribeListViewAsync(EntityKind entity, string listView, CancellationToken cancellationToken = default)
    {
        Calls++;
        return _views.TryGetValue((entity, listView), out var view)
            ? Task.FromResult(view)
            : throw new SideUnavailableException(Side.Salesforce, $"{entity} has no list view with the developer name '{listView}'");
    }
}
