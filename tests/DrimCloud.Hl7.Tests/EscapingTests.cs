using System.Text;
using DrimCloud.Hl7.Er7;

namespace DrimCloud.Hl7.Tests;

public sealed class EscapingTests
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    [Theory]
    [InlineData(@"a\F\b", "a|b")]
    [InlineData(@"a\S\b\T\c\R\d\E\e", @"a^b&c~d\e")]
    [InlineData(@"x\X0D0A\y", "x\r\ny")]
    [InlineData(@"caf\XC3A9\", "café")]
    [InlineData(@"line\.br\next", "line\nnext")]
    [InlineData(@"\H\bold\N\", @"\H\bold\N\")]     // formatting we do not interpret: kept as written
    [InlineData(@"half \F", @"half \F")]             // unterminated: kept
    [InlineData(@"\XZZ\", @"\XZZ\")]                 // bad hex: kept
    public void Unescapes_the_standard_sequences(string escaped, string expected)
    {
        Assert.Equal(expected, Hl7Escaping.Unescape(escaped, Hl7Delimiters.Default, Utf8));
    }

    [Fact]
    public void Escaped_values_survive_a_message_round_trip()
    {
        var value = "a|b^c&d~e\\f\r\ng é";
        var text = $"MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rNTE|1||{Hl7Escaping.Escape(value, Hl7Delimiters.Default)}\r";
        var m = Hl7Parser.Parse(Utf8.GetBytes(text));
        Assert.Equal(value, m.First("NTE")!.Value(3));
    }

    [Fact]
    public void Property_unescape_inverts_escape_for_random_strings_and_delimiters()
    {
        var random = new Random(20261128);
        const string alphabet = "abcXYZ019 |^~\\&#!$*@\r\néü€\t";
        var delimiterSets = new[] { Hl7Delimiters.Default, new Hl7Delimiters('#', '*', '@', '!', '$') };
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, 40);
            var chars = new char[length];
            for (var k = 0; k < length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            var value = new string(chars);
            var d = delimiterSets[i % 2];
            var escaped = Hl7Escaping.Escape(value, d);
            Assert.DoesNotContain(d.Field, escaped);
            Assert.DoesNotContain(d.Component, escaped);
            Assert.DoesNotContain('\r', escaped);
            Assert.Equal(value, Hl7Escaping.Unescape(escaped, d, Utf8));
        }
    }
}
