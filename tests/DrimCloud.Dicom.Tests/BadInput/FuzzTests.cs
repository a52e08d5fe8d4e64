using System.Buffers.Binary;
using System.Diagnostics;
using DrimCloud.Dicom.Tests.Infrastructure;

namespace DrimCloud.Dicom.Tests.BadInput;

/// <summary>
/// Seeded, time-bounded mutation fuzzing over the small files of the real corpus: flipped bytes, lengths replaced
/// by huge or odd values, cuts, insertions and duplications. Each mutant is read from a seekable and a
/// non-seekable stream and, when that succeeds, written as JSON and Part 10. The only outcomes allowed are success
/// or <see cref="DicomFormatException"/> (or NotSupportedException for writes we cannot do); no hang, and
/// allocation bounded by a small multiple of the input size.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261128;
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public void Mutated_corpus_files_fail_only_with_typed_errors()
    {
        Samples.RequireRoot();
        var inputs = Samples.Files.Where(f => new FileInfo(f.FullPath).Length < 64 * 1024).Select(f => File.ReadAllBytes(f.FullPath)).ToList();
        Assert.NotEmpty(inputs);

        var worker = Task.Factory.StartNew(() => Run(inputs), TaskCreationOptions.LongRunning);
        Assert.True(worker.Wait(s_budget + TimeSpan.FromSeconds(40)), "the fuzz loop hung (an iteration did not finish)");
        var (iterations, accepted) = worker.Result;
        Assert.True(iterations > 500, $"only {iterations} mutants in the time budget");
        Assert.True(accepted > 0 && accepted < iterations, $"{accepted} of {iterations} mutants accepted: the mutator is not exercising both paths");
    }

    private static (int Iterations, int Accepted) Run(List<byte[]> inputs)
    {
        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        int iterations = 0, accepted = 0;
        while (clock.Elapsed < s_budget)
        {
            var original = inputs[random.Next(inputs.Count)];
            var mutant = Mutate(original, random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                accepted += Exercise(mutant, iterations) ? 1 : 0;
            }
            catch (Exception e) when (e is not DicomFormatException)
            {
                throw new InvalidOperationException($"seed {Seed}, iteration {iterations}: {e.GetType().Name}: {e.Message}", e);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated >= (8 << 20) + (64L * mutant.Length))
            {
                File.WriteAllBytes(Path.Combine(Path.GetTempPath(), $"drimcloud-fuzz-{Seed}-{iterations}.dcm"), mutant);
            }

            Assert.True(allocated < (8 << 20) + (64L * mutant.Length), $"seed {Seed}, iteration {iterations}: {allocated} bytes allocated for a {mutant.Length}-byte input");
            iterations++;
        }

        return (iterations, accepted);
    }

    private static bool Exercise(byte[] data, int iteration)
    {
        var ok = false;
        foreach (var nonSeekable in new[] { false, true })
        {
            Stream stream = nonSeekable ? new NonSeekableStream(new MemoryStream(data), 1 + (iteration % 977)) : new MemoryStream(data);
            try
            {
                using var file = DicomFile.Read(stream, new DicomReadOptions { LargeValueThreshold = 256 });
                _ = DicomJsonWriter.Serialize(file.Dataset);
                try
                {
                    DicomWriter.Write(file, Stream.Null);
                    DicomWriter.Write(file, Stream.Null, new DicomWriteOptions { TransferSyntax = DicomTransferSyntax.ExplicitVRBigEndian });
                }
                catch (NotSupportedException)
                {
                    // Encapsulated data cannot be converted without codecs: an honest refusal.
                }

                ok = true;
            }
            catch (DicomFormatException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            }
        }

        return ok;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = original.ToList();
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations && data.Count > 8; m++)
        {
            var at = random.Next(data.Count - 4);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    // A length-shaped field gets a huge, undefined, odd or zero value.
                    var value = random.Next(4) switch { 0 => 0xFFFFFFFFu, 1 => 0x7FFFFFF0u, 2 => (uint)random.Next(1, 99) | 1, _ => 0u };
                    var bytes = new byte[4];
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
                    for (var k = 0; k < 4; k++)
                    {
                        data[at + k] = bytes[k];
                    }

                    break;
                case 2:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Range(0, 1 + random.Next(16)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    var length = Math.Min(data.Count - at, 1 + random.Next(64));
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
                default:
                    // Item and delimiter tags are where sequence parsing goes wrong.
                    byte[] item = random.Next(2) == 0 ? [0xFE, 0xFF, 0x00, 0xE0] : [0xFE, 0xFF, 0xDD, 0xE0];
                    for (var k = 0; k < 4; k++)
                    {
                        data[at + k] = item[k];
                    }

                    break;
            }
        }

        return [.. data];
    }
}
