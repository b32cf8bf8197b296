using LlmForge.Layers;

namespace LlmForge.Checkpoints;

/// <summary><c>model.Save(path)</c> / <c>model.Load(path)</c>: a module's parameters as a safetensors state dict (<see cref="StateDict"/>).</summary>
public static class ModuleStateDictExtensions
{
    /// <summary>Writes every named parameter to <paramref name="path"/> (see <see cref="StateDict.Save"/>).</summary>
    public static void Save(this Module module, string path) => StateDict.Save(module, path);

    /// <summary>Reads every named parameter from <paramref name="path"/>, checked (see <see cref="StateDict.Load(Module, string)"/>).</summary>
    /// <exception cref="CheckpointFormatException">The file does not hold exactly the module's parameters, or holds a non-finite value.</exception>
    public static void Load(this Module module, string path) => StateDict.Load(module, path);
}
