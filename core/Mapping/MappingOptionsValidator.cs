using Microsoft.Extensions.Options;

namespace SfSync.Mapping;

/// <summary>Fails start-up with every mapping problem at once, rather than the first sync failing record by record.</summary>
internal sealed class MappingOptionsValidator : IValidateOptions<MappingOptions>
{
    public ValidateOptionsResult Validate(string? name, MappingOptions options)
    {
        var errors = SyncMap.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
