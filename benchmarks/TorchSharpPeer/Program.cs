using LlmForge.Cli.Commands.Bench.Workloads;
using static TorchSharp.torch;

// usage: TorchSharpPeer [--workloads FILE] (--workload NAME … | --all | --self-check)
// Runs the standard workloads on TorchSharp, one child process per workload (its own peak RSS), and prints the
// same JSON lines as `llmforge bench`, with "impl":"torchsharp". Progress goes to stderr.
try
{
    string file = Path.Combine(AppContext.BaseDirectory, "bench", "workloads.json");
    var names = new List<string>();
    bool all = false, inProcess = false, selfCheck = false;
    for (int i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--workloads": file = Value(); break;
            case "--workload": names.Add(Value()); break;
            case "--all": all = true; break;
            case "--in-process": inProcess = true; break;
            case "--self-check": selfCheck = true; break;
            default: throw new ArgumentException($"unknown argument '{args[i]}'; usage: [--workloads FILE] (--workload NAME … | --all)");
        }
    }
    var workloads = WorkloadFile.Load(file);
    if (selfCheck) return TorchSharpPeer.SelfCheck.Run(workloads);
    if (all == (names.Count > 0))
        throw new ArgumentException($"give --workload NAME (repeatable) or --all; valid values: {string.Join(", ", workloads.Select(w => w.Name))}");
    var selected = WorkloadFile.Select(workloads, names, all, file);
    if (all) // the peer mirrors GPT-2 and BERT only; LlmForge's own extensions (generate-llama, translate-marian) have no TorchSharp twin
        selected = [.. selected.Where(w => w.Model.Architecture is "gpt" or "bert")];

    if (!inProcess)
    {
        var runs = selected.Select(w => (IReadOnlyList<string>)["--workloads", file, "--workload", w.Name, "--in-process"]);
        return ChildProcesses.RunEach(runs, Console.Out) == 0 ? 0 : 1;
    }
    if (selected.Count != 1) throw new ArgumentException("--in-process runs exactly one --workload");

    var workload = selected[0];
    void Progress(string message) => Console.Error.WriteLine($"bench {workload.Name} torchsharp: {message}");
    set_num_threads(Environment.ProcessorCount);
    Progress($"libtorch {__version__}, {get_num_threads()} threads, {workload.WarmupSteps} warm-up + {workload.TimedSteps} timed");
    var step = TorchSharpPeer.PeerWorkloads.Prepare(workload, Progress);
    var timings = StepTimings.Measure(workload.WarmupSteps, workload.TimedSteps, step, Progress);
    Console.WriteLine(BenchResult.From("torchsharp", workload, timings, get_num_threads()).ToJsonLine());
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or NotSupportedException)
{
    Console.Error.WriteLine($"torchsharp-peer: {e.Message}");
    return 2;
}
