(function(){var f=document.getElementById('filters');if(!f)return;f.hidden=false;
var rule=document.getElementById('f-rule'),file=document.getElementById('f-file'),only=document.getElementById('f-only'),status=document.getElementById('f-status');
var all=document.querySelectorAll('article.doc li.note').length;
function each(list,fn){Array.prototype.forEach.call(list,fn);}
function sev(li){return /sev-error/.test(li.className)?'error':/sev-warning/.test(li.className)?'warning':'info';}
function on(v){var b=f.querySelector('input[value="'+v+'"]');return !b||b.checked;}
function apply(){var shown=0,per={};
each(document.querySelectorAll('article.doc'),function(a){var id=a.id,keep={},n=0,fileOk=!file.value||file.value===id;a.hidden=!fileOk;
each(a.querySelectorAll('li.note'),function(li){var k=li.id.slice(id.length+2),v=fileOk&&on(sev(li))&&(!rule.value||rule.value===li.getAttribute('data-rule'));li.hidden=!v;if(v){keep[k]=1;n++;}var r=document.getElementById(id+'-r'+k);if(r)r.hidden=!v;});
each(a.querySelectorAll('mark[data-f]'),function(m){var v=false;each(m.getAttribute('data-f').split(' '),function(k){if(keep[k])v=true;});m.classList.toggle('off',!v);});
var body=a.querySelector('.doc-body');if(body)each(body.children,function(c){if(/^H[1-6]$/.test(c.tagName)||c.classList.contains('notes'))return;c.hidden=only.checked&&!c.querySelector('mark:not(.off)');});
per[id]=n;shown+=n;});
each(document.querySelectorAll('nav .count[data-doc]'),function(s){var d=s.getAttribute('data-doc'),t=s.getAttribute('data-total');s.textContent='('+(per[d]==t?t+(t==1?' finding':' findings'):per[d]+' of '+t+' shown')+')';});
status.textContent='Showing '+shown+' of '+all+' findings.';}
f.addEventListener('change',apply);apply();
document.documentElement.setAttribute('data-filters','ready');})();
(function(){var all=document.getElementById('f-open');function each(fn){Array.prototype.forEach.call(document.querySelectorAll('li.note details'),fn);}
if(all)all.addEventListener('change',function(){each(function(d){d.open=all.checked;});});
window.addEventListener('beforeprint',function(){each(function(d){d.setAttribute('data-was',d.open?'1':'');d.open=true;});});
window.addEventListener('afterprint',function(){each(function(d){d.open=d.getAttribute('data-was')==='1';});});})();
