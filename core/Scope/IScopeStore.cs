using SfSync.Model;

namespace SfSync.Scope;

/// <summary>The fingerprint of the scope each entity was last planned under (<see cref="EntityScope.Fingerprint"/>).</summary>
internal interface IScopeStore
{
    Task<string?> GetFingerprintAsync(EntityKind entity, CancellationToken cancellationToken = default);

    Task SaveFingerprintAsync(EntityKind entity, string fingerprint, CancellationToken cancellationToken = default);
}
