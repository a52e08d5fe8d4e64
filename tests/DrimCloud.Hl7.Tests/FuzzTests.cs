using System.Text;
using DrimCloud.Hl7.Er7;
using DrimCloud.Hl7.Mllp;
using DrimCloud.Hl7.Reports;

namespace DrimCloud.Hl7.Tests;

/// <summary>Random and mutated input never makes the parsers throw anything but their typed errors.</summary>
public sealed class FuzzTests
{
    private static void ParseAndRead(byte[] bytes)
    {
        try
        {
            var m = Hl7Parser.Parse(bytes, new Hl7ParseLimits { MaxMessageBytes = 1 << 20 });
            // Touch every accessor the forwarder and the API use.
            _ = (m.TypeLabel, m.ControlId, m.Version, m.SendingApplication);
            foreach (var s in m.Segments)
            {
                for (var f = 1; f <= Math.Min(s.FieldCount, 40); f++)
                    _ = s.Value(f, 2, 2, 2) + s.Value(f);
            }
            ReportMessageReader.Read(m);
        }
        catch (Hl7Exception)
        {
        }
    }

    [Fact]
    public void Random_bytes()
    {
        var random = new Random(6);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 10) "MSH|^~\\&|"u8.CopyTo(bytes);
            ParseAndRead(bytes);
        }
    }

    [Fact]
    public void Mutated_ANS_messages()
    {
        var random = new Random(7);
        var sources = new[] { AnsSamples.ExamCOru, AnsSamples.ExamCMdm, AnsSamples.PrototypeOru, AnsSamples.OmiO23 }
            .Select(File.ReadAllBytes).ToArray();
        var interesting = "|^~\\&\r\n\x0B\x1CMSHOBXPIDTXA0123456789+/=<>\"'"u8.ToArray();
        for (var i = 0; i < 400; i++)
        {
            var bytes = (byte[])sources[i % sources.Length].Clone();
            var mutations = random.Next(1, 8);
            for (var k = 0; k < mutations; k++)
            {
                var at = random.Next(bytes.Length);
                switch (random.Next(4))
                {
                    case 0: bytes[at] = interesting[random.Next(interesting.Length)]; break;
                    case 1: bytes[at] = (byte)random.Next(256); break;
                    case 2: bytes = bytes[..at]; break;                                    // truncation
                    default: bytes = [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + random.Next(1, 50))..]]; break; // deletion
                }
                if (bytes.Length == 0) break;
            }
            ParseAndRead(bytes);
        }
    }

    [Fact]
    public void Mutated_segments_of_the_ANS_ORU_header()
    {
        // Mutations concentrated in the short segments (where field logic is) rather than in the base64.
        var random = new Random(8);
        var lines = File.ReadAllText(AnsSamples.ExamCOru).Split("\r\n");
        for (var i = 0; i < 300; i++)
        {
            var copy = (string[])lines.Clone();
            var target = random.Next(copy.Length);
            if (copy[target].Length is 0 or > 2000) continue;
            var chars = copy[target].ToCharArray();
            for (var k = 0; k < random.Next(1, 5); k++) { const string pool = "|^~\\&#X0D.brFSTRE"; chars[random.Next(chars.Length)] = pool[random.Next(pool.Length)]; }
            copy[target] = new string(chars);
            ParseAndRead(Encoding.UTF8.GetBytes(string.Join("\r\n", copy)));
        }
    }

    [Fact]
    public async Task Random_MLLP_streams()
    {
        var random = new Random(9);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            for (var k = 0; k < bytes.Length; k++)
            {
                if (random.Next(10) == 0) bytes[k] = new byte[] { 0x0B, 0x1C, 0x0D, (byte)'\n' }[random.Next(4)];
            }
            var reader = new MllpReader(new MemoryStream(bytes), 100);
            try
            {
                while (await reader.ReadMessageAsync(CancellationToken.None) is { } message)
                    Assert.True(message.Length <= 100);
            }
            catch (MllpFramingException)
            {
            }
        }
    }
}
