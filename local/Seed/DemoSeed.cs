namespace SfSync.Seed;

/// <summary>A company as one side holds it. Null means the field is blank on that side.</summary>
public sealed record SeedCompany(
    int Index,
    string Name,
    string? Phone,
    string? Description,
    string? Fax,
    string? Street,
    string? City,
    string? State,
    string? PostalCode,
    string? Country,
    IReadOnlyList<SeedPerson> People);

public sealed record SeedPerson(string FirstName, string LastName, string Email)
{
    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>
/// The demo data of the local run, generated the same way for the Salesforce emulator and the sample app so that
/// they overlap as a real first sync does: every third company exists on both sides with the same name and the same
/// contact e-mails, but a conflicting description (company 0 is the brief's "Trade show A" against "Search Terms"),
/// a state that only the app knows, and a phone that only Salesforce knows. The others exist on one side only.
/// </summary>
public static class DemoSeed
{
    private static readonly string[] Prefixes = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay"];
    private static readonly string[] Suffixes = ["Corp", "Industries", "Labs", "Holdings", "Systems", "Trading", "Logistics", "Foods"];
    private static readonly string[] Cities = ["Berlin", "Austin", "Oslo", "Lyon", "Osaka", "Denver", "Porto", "Leeds"];
    private static readonly string[] States = ["BE", "TX", "OS", "ARA", "OSK", "CO", "PT", "ENG"];
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "Niklaus"];
    private static readonly string[] LastNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen", "Wirth"];

    public static bool IsShared(int index) => index % 3 == 0;

    public static bool InSalesforce(int index) => IsShared(index) || index % 3 == 1;

    public static bool InApp(int index) => IsShared(index) || index % 3 == 2;

    /// <summary>The companies Salesforce holds among the first <paramref name="count"/>.</summary>
    public static IReadOnlyList<SeedCompany> SalesforceAccounts(int count) =>
        Enumerable.Range(0, count).Where(InSalesforce).Select(i => Company(i) with
        {
            Description = IsShared(i) ? (i == 0 ? "Trade show A" : $"Met at trade show {i}") : Company(i).Description,
            State = IsShared(i) ? null : Company(i).State,
        }).ToList();

    /// <summary>The companies the app holds among the first <paramref name="count"/>.</summary>
    public static IReadOnlyList<SeedCompany> AppCustomers(int count) =>
        Enumerable.Range(0, count).Where(InApp).Select(i => Company(i) with
        {
            Description = IsShared(i) ? (i == 0 ? "Search Terms" : $"Found via search {i}") : Company(i).Description,
            Phone = IsShared(i) ? null : Company(i).Phone,
        }).ToList();

    private static SeedCompany Company(int i) => new(
        i,
        $"{Prefixes[i % Prefixes.Length]} {Suffixes[i / Prefixes.Length % Suffixes.Length]}{(i >= Prefixes.Length * Suffixes.Length ? $" {i}" : "")}",
        $"+1 555 {1000 + i:D4}",
        $"Customer since {2000 + (i % 25)}",
        i % 4 == 0 ? $"+1 555 {9000 + i:D4}" : null,
        $"{10 + i} Main Street",
        Cities[i % Cities.Length],
        States[i % States.Length],
        $"{10000 + (i * 7 % 89999):D5}",
        "US",
        Enumerable.Range(0, 2).Select(p =>
        {
            var first = FirstNames[(i + p) % FirstNames.Length];
            var last = LastNames[(i * 3 + p) % LastNames.Length];
            return new SeedPerson(first, last, $"{first}.{last}.{i}-{p}@example.com".ToLowerInvariant());
        }).ToList());
}
