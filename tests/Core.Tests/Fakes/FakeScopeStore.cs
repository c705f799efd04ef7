using System.Collections.Concurrent;
using SfSync.Model;
using SfSync.Scope;

namespace SfSync.Tests.Fakes;

/// <summary>Scope fingerprints in memory.</summary>
internal sealed class FakeScopeStore : IScopeStore
{
    private readonly ConcurrentDictionary<EntityKind, string> _fingerprints = new();

    public Task<string?> GetFingerprintAsync(EntityKind entity, CancellationToken cancellationToken = default) =>
        Task.FromResult(_fingerprints.TryGetValue(entity, out var value) ? value : null);

    public Task SaveFingerprintAsync(EntityKind entity, string fingerprint, CancellationToken cancellationToken = default)
    {
        _fingerprints[entity] = fingerprint;
        return Task.CompletedTask;
    }
}
