using SfSync.Model;

namespace SfSync.Tests.Model;

public class SalesforceIdTests
{
    [Fact]
    public void The_15_and_18_character_forms_of_one_id_are_equal()
    {
        // The widely published pair: chunks 001A0/00000/6Vm9r → upper-case bits 8/0/2 → I, A, C.
        var id15 = SalesforceId.Parse("001A0000006Vm9r");
        var id18 = SalesforceId.Parse("001a0000006vM9RIAC");

        Assert.Equal(id18, id15);
        Assert.Equal("001A0000006Vm9rIAC", id15.Value);
        Assert.Equal("001", id15.KeyPrefix);
    }

    [Theory]
    [InlineData("001A0000006Vm9rXXX")]
    [InlineData("001Hs000002AbC")]
    [InlineData("001Hs000002AbCd' OR Name != '")]
    [InlineData("001Hs00000-AbCd")]
    [InlineData(null)]
    public void Malformed_ids_are_refused(string? text) => Assert.False(SalesforceId.TryParse(text, out _));
}
