using SfSync.FunctionsHost;

namespace SfSync.Tests.FunctionsHost;

public sealed class CommandLineTests
{
    [Fact]
    public void Options_are_read_and_defaults_kept()
    {
        Assert.Equal(new CommandLine(false, false, 30, 7071, null, null, null), CommandLine.Parse([]));
        Assert.Equal(new CommandLine(false, true, 12, 8080, "0 0 * * * *", "my.json", null), CommandLine.Parse(["--once", "--seed", "12", "--port", "8080", "--schedule", "0 0 * * * *", "--settings", "my.json"]));
        Assert.True(CommandLine.Parse(["--seed", "3", "--help"]).Help);
    }

    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'.")]
    [InlineData("--port", "--port takes a TCP port (1 to 65535).")]
    [InlineData("--port x", "--port takes a TCP port (1 to 65535).")]
    [InlineData("--seed 0", "--seed takes a number of companies, 1 or more.")]
    [InlineData("--settings", "--settings takes a file name.")]
    public void A_bad_option_is_named(string args, string error) =>
        Assert.Equal(error, CommandLine.Parse(args.Split(' ')).Error);
}
