using BenchmarkDotNet.Running;
using DrimCloud.Benchmarks;

// "make-multiframe PATH [FRAMES]" writes the synthetic multi-frame used by bench/dicom-convert-vs-dcmconv.sh.
if (args.Length >= 2 && args[0] == "make-multiframe")
{
    var frames = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000;
    Console.WriteLine(BenchmarkData.MakeMultiFrame(args[1], frames));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkData).Assembly).Run(args);
