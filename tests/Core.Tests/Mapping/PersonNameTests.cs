using SfSync.Mapping;

namespace SfSync.Tests.Mapping;

public class PersonNameTests
{
    [Theory]
    [InlineData("Ada Lovelace", "Ada", "Lovelace")]
    [InlineData("Mary Ann Smith", "Mary Ann", "Smith")]
    [InlineData("Cher", null, "Cher")]
    [InlineData("  Jean   Luc  Picard ", "Jean Luc", "Picard")]
    [InlineData("", null, null)]
    public void Splits_the_last_word_into_LastName(string name, string? first, string? last) =>
        Assert.Equal((first, last), PersonName.Split(name));

    [Theory]
    [InlineData("Ada Lovelace")]
    [InlineData("Mary Ann Smith")]
    [InlineData("Cher")]
    public void Composite_name_round_trips(string name)
    {
        var (first, last) = PersonName.Split(name);

        Assert.Equal(name, PersonName.Join(first, last));
    }

    [Fact]
    public void A_contact_with_only_a_last_name_joins_to_it() =>
        Assert.Equal("Smith", PersonName.Join(null, "Smith"));
}
