#!/usr/bin/env python3
"""Where the bytes of a WebAssembly module go: total code size and the biggest contributors,
grouped by demangled function kind. Used to keep the hydrate bundle within its budget.

usage: scripts/wasm_size_report.py path/to/module.wasm  (an un-stripped build, e.g.
target/front/wasm32-unknown-unknown/wasm-release/frontend.wasm, has function names)
"""
import sys,re,collections
data=open(sys.argv[1],'rb').read()
def leb(d,i):
    r=0;s=0
    while True:
        b=d[i];i+=1;r|=(b&0x7f)<<s;s+=7
        if b<0x80: return r,i
i=8; imports_funcs=0; bodies=[]; names={}
while i<len(data):
    sid=data[i];i+=1
    size,i=leb(data,i); end=i+size
    if sid==2:
        n,j=leb(data,i)
        for _ in range(n):
            l,j=leb(data,j); j+=l
            l,j=leb(data,j); j+=l
            kind=data[j]; j+=1
            if kind==0: _,j=leb(data,j); imports_funcs+=1
            elif kind==1: j+=1; fl=data[j]; j+=1; _,j=leb(data,j); 
            elif kind==2: fl=data[j]; j+=1; _,j=leb(data,j); 
            elif kind==3: j+=2
    if sid==10:
        n,j=leb(data,i)
        for k in range(n):
            sz,j=leb(data,j); bodies.append(sz); j+=sz
    if sid==0:
        nl,j=leb(data,i); nm=data[j:j+nl].decode(errors='replace'); j+=nl
        if nm=='name':
            while j<end:
                sub=data[j]; j+=1; ssz,j=leb(data,j); send=j+ssz
                if sub==1:
                    cnt,k=leb(data,j)
                    for _ in range(cnt):
                        idx,k=leb(data,k); l,k=leb(data,k); names[idx]=data[k:k+l].decode(errors='replace'); k+=l
                j=send
    i=end
agg=collections.Counter(); cnt=collections.Counter()
for n,sz in enumerate(bodies):
    name=names.get(n+imports_funcs,'?')
    # crate of the function
    m=re.match(r'^(?:_?<)?([a-zA-Z_][a-zA-Z0-9_]*)',name)
    key=m.group(1) if m else name[:30]
    agg[key]+=sz; cnt[key]+=1
print('total',sum(bodies),'funcs',len(bodies))
for k,v in agg.most_common(25): print(v,cnt[k],k)
