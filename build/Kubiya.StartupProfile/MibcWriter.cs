using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Kubiya.StartupProfile;

/// <summary>
/// Writes a profile in crossgen2's .mibc format: an IL-only assembly whose global method
/// <c>AssemblyDictionary</c> names one group method per assembly (<c>ldstr name; ldtoken group; pop</c>),
/// each group listing the methods to precompile (<c>ldtoken method; pop</c>). crossgen2 roots every
/// listed method it may compile into the assembly being compiled; no weights or instrumentation data
/// are written, so nothing else about code generation changes.
/// </summary>
public sealed class MibcWriter
{
    private readonly MetadataBuilder metadata = new();
    private readonly Dictionary<string, AssemblyReferenceHandle> assemblies = new();
    private readonly Dictionary<Type, EntityHandle> typeReferences = new();
    private readonly List<(string Name, List<MemberReferenceHandle> Methods)> groups = new();

    /// <summary>Adds a group for <paramref name="assemblyName"/>: the declared methods and constructors of each type in <paramref name="types"/>.</summary>
    public int AddGroup(string assemblyName, IEnumerable<Type> types)
    {
        var methods = new List<MemberReferenceHandle>();
        foreach (var type in types)
        {
            var parent = metadata.AddTypeSpecification(metadata.GetOrAddBlob(TypeBlob(type)));
            var definition = type.GetGenericTypeDefinition();
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            foreach (var method in definition.GetMethods(all).Cast<MethodBase>().Concat(definition.GetConstructors(all)))
            {
                if (method.IsGenericMethodDefinition || method.IsAbstract) continue;
                var signature = SignatureBlob(method);
                if (signature == null) continue;
                methods.Add(metadata.AddMemberReference(parent, metadata.GetOrAddString(method.Name), metadata.GetOrAddBlob(signature)));
            }
        }
        if (methods.Count > 0) groups.Add((assemblyName, methods));
        return methods.Count;
    }

    /// <summary>Writes the profile to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        metadata.AddModule(0, metadata.GetOrAddString(name + ".dll"), metadata.GetOrAddGuid(new Guid("6b3f1c52-58e4-4d5e-9a63-2f0d8f1b7c41")), default, default);
        metadata.AddAssembly(metadata.GetOrAddString(name), new Version(1, 0, 0, 0), default, default, 0, AssemblyHashAlgorithm.None);
        metadata.AddTypeDefinition(default, default, metadata.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));

        var staticVoid = new BlobBuilder();
        new BlobEncoder(staticVoid).MethodSignature().Parameters(0, r => r.Void(), _ => { });
        var signature = metadata.GetOrAddBlob(staticVoid);
        var il = new BlobBuilder();
        var bodies = new MethodBodyStreamEncoder(il);

        // Row 1 is AssemblyDictionary, rows 2.. the groups, in the order their bodies are added.
        var dictionary = new InstructionEncoder(new BlobBuilder());
        for (var i = 0; i < groups.Count; i++)
        {
            dictionary.LoadString(metadata.GetOrAddUserString(groups[i].Name));
            dictionary.OpCode(ILOpCode.Ldtoken);
            dictionary.Token(MetadataTokens.MethodDefinitionHandle(i + 2));
            dictionary.OpCode(ILOpCode.Pop);
        }
        dictionary.OpCode(ILOpCode.Ret);
        AddMethod("AssemblyDictionary", bodies.AddMethodBody(dictionary, maxStack: 8));
        for (var i = 0; i < groups.Count; i++)
        {
            var group = new InstructionEncoder(new BlobBuilder());
            foreach (var method in groups[i].Methods)
            {
                group.OpCode(ILOpCode.Ldtoken);
                group.Token(method);
                group.OpCode(ILOpCode.Pop);
            }
            group.OpCode(ILOpCode.Ret);
            AddMethod("Group" + i, bodies.AddMethodBody(group, maxStack: 8));
        }

        var pe = new ManagedPEBuilder(new PEHeaderBuilder(imageCharacteristics: Characteristics.Dll | Characteristics.ExecutableImage),
            new MetadataRootBuilder(metadata), il, flags: CorFlags.ILOnly,
            deterministicIdProvider: content => new BlobContentId(new Guid("0f6e4c1d-7a2b-4c3e-8d5f-1a2b3c4d5e6f"), 1));
        var image = new BlobBuilder();
        pe.Serialize(image);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, image.ToArray());

        void AddMethod(string methodName, int bodyOffset) =>
            metadata.AddMethodDefinition(MethodAttributes.Public | MethodAttributes.Static, MethodImplAttributes.IL,
                metadata.GetOrAddString(methodName), signature, bodyOffset, MetadataTokens.ParameterHandle(1));
    }

    private BlobBuilder TypeBlob(Type type)
    {
        var blob = new BlobBuilder();
        Encode(new BlobEncoder(blob).TypeSpecificationSignature(), type);
        return blob;
    }

    /// <summary>The method's signature as declared (over the type's own generic parameters), or null when it uses something not encoded here.</summary>
    private BlobBuilder? SignatureBlob(MethodBase method)
    {
        var parameters = method.GetParameters();
        var returnType = method is MethodInfo info ? info.ReturnType : typeof(void);
        if (parameters.Any(p => p.ParameterType.IsPointer || p.ParameterType.IsFunctionPointer) || returnType.IsPointer) return null;
        var blob = new BlobBuilder();
        new BlobEncoder(blob).MethodSignature(isInstanceMethod: !method.IsStatic).Parameters(parameters.Length,
            r =>
            {
                if (returnType == typeof(void)) r.Void();
                else Encode(r.Type(returnType.IsByRef), returnType.IsByRef ? returnType.GetElementType()! : returnType);
            },
            ps =>
            {
                foreach (var p in parameters)
                {
                    var t = p.ParameterType;
                    Encode(ps.AddParameter().Type(t.IsByRef), t.IsByRef ? t.GetElementType()! : t);
                }
            });
        return blob;
    }

    private void Encode(SignatureTypeEncoder encoder, Type type)
    {
        if (type.IsGenericParameter)
        {
            if (type.DeclaringMethod != null) encoder.GenericMethodTypeParameter(type.GenericParameterPosition);
            else encoder.GenericTypeParameter(type.GenericParameterPosition);
            return;
        }
        if (type.IsSZArray)
        {
            Encode(encoder.SZArray(), type.GetElementType()!);
            return;
        }
        if (type.IsArray) throw new NotSupportedException("multi-dimensional arrays are not encoded: " + type);
        switch (Type.GetTypeCode(type))
        {
            case TypeCode.Boolean: encoder.Boolean(); return;
            case TypeCode.Char: encoder.Char(); return;
            case TypeCode.SByte: encoder.SByte(); return;
            case TypeCode.Byte: encoder.Byte(); return;
            case TypeCode.Int16: encoder.Int16(); return;
            case TypeCode.UInt16: encoder.UInt16(); return;
            case TypeCode.Int32 when !type.IsEnum: encoder.Int32(); return;
            case TypeCode.UInt32 when !type.IsEnum: encoder.UInt32(); return;
            case TypeCode.Int64 when !type.IsEnum: encoder.Int64(); return;
            case TypeCode.UInt64 when !type.IsEnum: encoder.UInt64(); return;
            case TypeCode.Single: encoder.Single(); return;
            case TypeCode.Double: encoder.Double(); return;
            case TypeCode.String: encoder.String(); return;
        }
        if (type == typeof(object)) { encoder.Object(); return; }
        if (type == typeof(IntPtr)) { encoder.IntPtr(); return; }
        if (type == typeof(UIntPtr)) { encoder.UIntPtr(); return; }
        if (type.IsConstructedGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            var encoded = encoder.GenericInstantiation(Reference(definition), arguments.Length, definition.IsValueType);
            foreach (var argument in arguments) Encode(encoded.AddArgument(), argument);
            return;
        }
        encoder.Type(Reference(type), type.IsValueType);
    }

    private EntityHandle Reference(Type type)
    {
        if (typeReferences.TryGetValue(type, out var handle)) return handle;
        EntityHandle scope = type.IsNested ? Reference(type.DeclaringType!) : Assembly(type.Assembly.GetName());
        handle = metadata.AddTypeReference(scope, type.IsNested ? default : metadata.GetOrAddString(type.Namespace ?? ""), metadata.GetOrAddString(type.Name));
        typeReferences[type] = handle;
        return handle;
    }

    private AssemblyReferenceHandle Assembly(AssemblyName name)
    {
        if (assemblies.TryGetValue(name.Name!, out var handle)) return handle;
        var token = name.GetPublicKeyToken();
        handle = metadata.AddAssemblyReference(metadata.GetOrAddString(name.Name!), name.Version ?? new Version(0, 0, 0, 0),
            string.IsNullOrEmpty(name.CultureName) ? default : metadata.GetOrAddString(name.CultureName),
            token is { Length: > 0 } ? metadata.GetOrAddBlob(token) : default, default, default);
        assemblies[name.Name!] = handle;
        return handle;
    }
}
