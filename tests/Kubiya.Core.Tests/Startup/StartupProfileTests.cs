using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Kubiya.StartupProfile;

namespace Kubiya.Core.Tests.Startup;

/// <summary>
/// The profile the CLI's publish hands crossgen2 (build/Kubiya.StartupProfile): it names the boxes of
/// Kubiya.Core's async state machines, in the .mibc layout crossgen2 reads, read back here with
/// System.Reflection.Metadata.
/// </summary>
[Trait("Category", "Startup")]
public sealed class StartupProfileTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "kubiya-profile-" + Guid.NewGuid().ToString("N") + ".mibc");

    public void Dispose() => File.Delete(path);

    [Fact]
    public void TheProfileNamesEveryMethodOfAnAsyncMethodsBoxUnderItsHomeAssembly()
    {
        var boxes = AsyncBoxes.Of(typeof(Kubiya.Core.Connection.EmbeddedServer).Assembly).ToList();
        // Task<bool> IsListeningAsync: its box is AsyncTaskMethodBuilder<bool>.AsyncStateMachineBox<its state machine>.
        var listening = Assert.Single(boxes, b => b.GetGenericArguments()[1].Name.StartsWith("<IsListeningAsync>", StringComparison.Ordinal));
        Assert.Equal(typeof(bool), listening.GetGenericArguments()[0]);
        Assert.Equal("AsyncStateMachineBox`1", listening.Name);

        var writer = new MibcWriter();
        var count = writer.AddGroup("kubiya", boxes);
        writer.Save(path);

        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var module = md.GetTypeDefinition(MetadataTokens.TypeDefinitionHandle(1));
        var methods = module.GetMethods().Select(md.GetMethodDefinition).ToList();
        Assert.Equal("AssemblyDictionary", md.GetString(methods[0].Name));
        // AssemblyDictionary: ldstr "kubiya", ldtoken the group method, pop.
        var dictionary = Instructions(pe, methods[0]).ToList();
        Assert.Equal(ILOpCode.Ldstr, dictionary[0].OpCode);
        Assert.Equal("kubiya", md.GetUserString((UserStringHandle)MetadataTokens.Handle(dictionary[0].Token)));
        Assert.Equal(ILOpCode.Ldtoken, dictionary[1].OpCode);
        var group = md.GetMethodDefinition((MethodDefinitionHandle)MetadataTokens.Handle(dictionary[1].Token));
        Assert.Equal(ILOpCode.Pop, dictionary[2].OpCode);

        // The group: ldtoken METHOD, pop, for every method of every box.
        var listed = Instructions(pe, group).Where(i => i.OpCode == ILOpCode.Ldtoken)
            .Select(i => md.GetMemberReference((MemberReferenceHandle)MetadataTokens.Handle(i.Token))).ToList();
        Assert.Equal(count, listed.Count);
        Assert.True(count >= boxes.Count * 5, $"{count} methods for {boxes.Count} boxes");
        var provider = new TypeNames(md);
        var ofListening = listed.Where(m => Decode(md, provider, m.Parent).Contains("<IsListeningAsync>", StringComparison.Ordinal)).ToList();
        Assert.Equal("System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1/AsyncStateMachineBox`1<bool, Kubiya.Core.Connection.EmbeddedServer/" +
            listening.GetGenericArguments()[1].Name + ">", Decode(md, provider, ofListening[0].Parent));
        var names = ofListening.Select(m => md.GetString(m.Name)).ToList();
        Assert.Equal(2, names.Count(n => n == "MoveNext")); // MoveNext() and MoveNext(Thread), the thread pool's entry
        Assert.Contains(".cctor", names);
        Assert.Contains("ExecutionContextCallback", names);
    }

    private static string Decode(MetadataReader md, TypeNames provider, EntityHandle parent) =>
        md.GetTypeSpecification((TypeSpecificationHandle)parent).DecodeSignature(provider, null);

    private static IEnumerable<(ILOpCode OpCode, int Token)> Instructions(PEReader pe, MethodDefinition method)
    {
        var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
        while (il.RemainingBytes > 0)
        {
            // The writer emits only one-byte opcodes: ldstr and ldtoken (a token each), pop and ret.
            var op = (ILOpCode)il.ReadByte();
            yield return op is ILOpCode.Ldstr or ILOpCode.Ldtoken ? (op, il.ReadInt32()) : (op, 0);
        }
    }

    /// <summary>Type signatures as readable names (nested types with '/').</summary>
    private sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Boolean => "bool",
            PrimitiveTypeCode.Int32 => "int",
            PrimitiveTypeCode.Object => "object",
            PrimitiveTypeCode.String => "string",
            PrimitiveTypeCode.Void => "void",
            _ => typeCode.ToString(),
        };

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var r = reader.GetTypeReference(handle);
            var name = reader.GetString(r.Name);
            return r.ResolutionScope.Kind == HandleKind.TypeReference
                ? GetTypeFromReference(reader, (TypeReferenceHandle)r.ResolutionScope, rawTypeKind) + "/" + name
                : reader.GetString(r.Namespace) + "." + name;
        }

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(", ", typeArguments) + ">";
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => md.GetString(reader.GetTypeDefinition(handle).Name);
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
