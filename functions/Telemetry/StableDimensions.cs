using OpenTelemetry;
using OpenTelemetry.Logs;
using SfSync.Telemetry;

namespace SfSync.Functions.Telemetry;

/// <summary>
/// Gives every log record the same dimensions (<see cref="Dimensions.Stable"/>, empty when they do not apply), taken
/// from its own properties and the scopes it was logged in (invocation, batch, run), with the Outcome its event
/// reports, and masks e-mail addresses in every value and in the message. Runs before the exporters.
/// </summary>
internal sealed class StableDimensions : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in Dimensions.Stable)
        {
            values[name] = "";
        }

        data.ForEachScope(static (scope, values) =>
        {
            foreach (var pair in scope)
            {
                if (pair.Key != "{OriginalFormat}")
                {
                    values[pair.Key] = Clean(pair.Value);
                }
            }
        }, values);

        foreach (var pair in data.Attributes ?? [])
        {
            values[pair.Key] = pair.Key == "{OriginalFormat}" ? pair.Value : Clean(pair.Value);
        }

        if (values[Dimensions.Outcome] is "" && LogOutcome.For(data.EventId.Name) is { } outcome)
        {
            values[Dimensions.Outcome] = outcome;
        }

        data.Attributes = values.ToList();
        if (data.FormattedMessage is { } message)
        {
            data.FormattedMessage = EmailMask.Mask(message);
        }
    }

    private static object? Clean(object? value) => value switch
    {
        null => "",
        int or long or double or decimal or float or bool => value,
        string text => EmailMask.Mask(text),
        _ => EmailMask.Mask(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };
}
