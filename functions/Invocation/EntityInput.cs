using SfSync.Model;

namespace SfSync.Functions.Invocation;

internal static class EntityInput
{
    public static IReadOnlyList<EntityKind> Parse(IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return EntityKindNames.All;
        }

        var entities = new List<EntityKind>();
        foreach (var name in names)
        {
            if (!EntityKindNames.TryParse(name, out var entity))
            {
                throw new ArgumentException($"'{name}' is not an entity; use Account (customers) or Contact (contacts).");
            }

            entities.Add(entity);
        }

        return entities.Distinct().ToList();
    }
}
