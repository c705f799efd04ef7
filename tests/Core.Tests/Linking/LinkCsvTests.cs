using SfSync.Linking;

namespace SfSync.Tests.Linking;

public sealed class LinkCsvTests
{
    [Fact]
    public void The_header_is_skipped_cells_are_trimmed_and_unquoted_and_short_rows_kept_for_the_importer_to_report()
    {
        var pairs = LinkCsv.Parse("salesforceId,appId\r\n 001000000000001 , 42 \n\n\"003000000000002\",\"7\"\nonly-one-cell\n,9\n");

        Assert.Equal(
        [
            new LinkPair("001000000000001", "42"),
            new LinkPair("003000000000002", "7"),
            new LinkPair("only-one-cell", null),
            new LinkPair(null, "9"),
        ], pairs);
    }

    [Fact]
    public void An_empty_body_or_a_header_alone_has_no_pairs()
    {
        Assert.Empty(LinkCsv.Parse(null));
        Assert.Empty(LinkCsv.Parse("salesforceId,appId\n"));
    }
}
